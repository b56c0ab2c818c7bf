"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { createDestination, deleteDestination, ForwardingError, newDestinationSchema, replayForward, setDestinationEnabled } from "@/lib/outbox/forwarding";
import type { WebhookActionState } from "../actions";

export async function createDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const raw = { source: String(form.get("source") ?? ""), url: String(form.get("url") ?? "").trim(), events: String(form.get("events") ?? "") };
      actionInput(newDestinationSchema, raw);
      const { secret } = await createDestination(user.workspaceId, raw);
      revalidatePath("/webhooks/forwarding");
      return { ok: "Verified deliveries will be forwarded to that URL, signed with Standard Webhooks.", secret };
    },
    [ForwardingError],
  );
}

export async function toggleDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const enabled = form.get("enabled") === "true";
  if (!(await setDestinationEnabled(user.workspaceId, String(form.get("destinationId") ?? ""), enabled))) return { error: "That destination does not exist." };
  revalidatePath("/webhooks/forwarding");
  return { ok: enabled ? "Forwarding resumed." : "Forwarding paused." };
}

export async function deleteDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  if (!(await deleteDestination(user.workspaceId, String(form.get("destinationId") ?? "")))) return { error: "That destination does not exist." };
  revalidatePath("/webhooks/forwarding");
  return { ok: "Destination removed." };
}

export async function replayForwardAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const deliveryId = z.coerce.number().int().positive().catch(0).parse(form.get("deliveryId"));
  const replayed = await replayForward(user.workspaceId, String(form.get("messageId") ?? ""));
  if (deliveryId) revalidatePath(`/webhooks/${deliveryId}`);
  return replayed
    ? { ok: "Queued: it will be sent again with the same webhook-id." }
    : { error: "Only a forward that was delivered or failed can be sent again." };
}
