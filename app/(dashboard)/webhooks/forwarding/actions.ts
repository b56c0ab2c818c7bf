"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import {
  createDestination,
  deleteDestination,
  ForwardingError,
  newDestinationSchema,
  replayForward,
  replaySchema,
  replayToUrl,
  sendTestEvent,
  setDestinationEnabled,
} from "@/lib/outbox/forwarding";
import type { WebhookActionState } from "../actions";

export async function createDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const raw = { source: String(form.get("source") ?? ""), url: String(form.get("url") ?? "").trim(), events: String(form.get("events") ?? "") };
      actionInput(newDestinationSchema, raw);
      const { destination, secret } = await createDestination(user.workspaceId, raw);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "forwarding_created",
        target: destination.url,
        detail: { source: raw.source },
      });
      revalidatePath("/webhooks/forwarding");
      return { ok: "Verified deliveries will be forwarded to that URL, signed with Standard Webhooks.", secret, secretFor: "receiver" };
    },
    [ForwardingError],
    "admin",
  );
}

export async function toggleDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const enabled = form.get("enabled") === "true";
      const destinationId = String(form.get("destinationId") ?? "");
      if (!(await setDestinationEnabled(user.workspaceId, destinationId, enabled))) return { error: "That destination does not exist." };
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "forwarding_changed", target: destinationId, detail: { enabled } });
      revalidatePath("/webhooks/forwarding");
      return { ok: enabled ? "Forwarding resumed." : "Forwarding paused." };
    },
    [],
    "admin",
  );
}

export async function deleteDestinationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const destinationId = String(form.get("destinationId") ?? "");
      if (!(await deleteDestination(user.workspaceId, destinationId))) return { error: "That destination does not exist." };
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "forwarding_removed", target: destinationId });
      revalidatePath("/webhooks/forwarding");
      return { ok: "Destination removed." };
    },
    [],
    "admin",
  );
}

export async function replayForwardAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const deliveryId = z.coerce.number().int().positive().catch(0).parse(form.get("deliveryId"));
    const replayed = await replayForward(user.workspaceId, String(form.get("messageId") ?? ""));
    if (deliveryId) revalidatePath(`/webhooks/${deliveryId}`);
    return replayed
      ? { ok: "Queued: it will be sent again with the same webhook-id." }
      : { error: "Only a forward that was delivered or failed can be sent again." };
  });
}

/** Sends a signed test event to a destination; its answer shows on the destination's health. Admins, who manage forwarding. */
export async function sendTestEventAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const destinationId = String(form.get("destinationId") ?? "");
      await sendTestEvent(user.workspaceId, destinationId);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "forwarding_tested", target: destinationId });
      revalidatePath("/webhooks/forwarding");
      return { ok: "Test event queued: its answer shows here in a moment (reload)." };
    },
    [ForwardingError],
    "admin",
  );
}

/**
 * Replays a delivery through a destination (its secret signs it), to the destination's URL or another
 * one, with the payload as edited in the form. Admins: it sends the workspace's data to a URL they name.
 */
export async function replayToUrlAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const input = actionInput(replaySchema, {
        deliveryId: form.get("deliveryId"),
        destinationId: String(form.get("destinationId") ?? ""),
        url: String(form.get("url") ?? ""),
        body: form.has("body") ? String(form.get("body")) : undefined,
      });
      await replayToUrl(user.workspaceId, input);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "delivery_replayed_to_url",
        target: `delivery ${input.deliveryId}`,
        detail: { destinationId: input.destinationId, ...(input.url ? { url: input.url } : {}) },
      });
      revalidatePath(`/webhooks/${input.deliveryId}`);
      return { ok: "Replay queued: it shows under Forwarding below with its answer." };
    },
    [ForwardingError],
    "admin",
  );
}
