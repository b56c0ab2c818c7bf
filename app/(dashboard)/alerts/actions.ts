"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { acknowledgeAlert, acknowledgeAll, AlertChannelError, createChannel, deleteChannel, newChannelSchema } from "@/lib/outbox/alerts";
import type { WebhookActionState } from "../webhooks/actions";

function refresh(): void {
  revalidatePath("/alerts");
  revalidatePath("/");
}

export async function acknowledgeAlertAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const id = z.uuid().safeParse(form.get("alertId"));
  if (!id.success || !(await acknowledgeAlert(user.id, id.data))) return { error: "That alert is not open." };
  refresh();
  return { ok: "Acknowledged." };
}

export async function acknowledgeAllAction(): Promise<WebhookActionState> {
  const user = await requireUser();
  const count = await acknowledgeAll(user.id);
  refresh();
  return { ok: count === 1 ? "1 alert acknowledged." : `${count} alerts acknowledged.` };
}

export async function createChannelAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  const input = newChannelSchema.safeParse({ kind: form.get("kind"), target: String(form.get("target") ?? "").trim() });
  if (!input.success) return { error: input.error.issues[0]!.message };
  try {
    const { secret } = await createChannel(user.id, input.data);
    refresh();
    return input.data.kind === "webhook"
      ? { ok: "Alerts will be POSTed to that URL, signed with Standard Webhooks.", secret }
      : { ok: `Alerts will be posted to ${input.data.target} through your Slack connection.` };
  } catch (error) {
    if (error instanceof AlertChannelError) return { error: error.message };
    throw error;
  }
}

export async function deleteChannelAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const user = await requireUser();
  if (!(await deleteChannel(user.id, String(form.get("channelId") ?? "")))) return { error: "That channel does not exist." };
  refresh();
  return { ok: "Channel removed." };
}
