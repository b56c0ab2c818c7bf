"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { acknowledgeAlert, acknowledgeAll, AlertChannelError, createChannel, deleteChannel, newChannelSchema } from "@/lib/outbox/alerts";
import type { WebhookActionState } from "../webhooks/actions";

function refresh(): void {
  revalidatePath("/alerts");
  revalidatePath("/");
}

export async function acknowledgeAlertAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const id = z.uuid().safeParse(form.get("alertId"));
    if (!id.success || !(await acknowledgeAlert(user.workspaceId, id.data))) return { error: "That alert is not open." };
    refresh();
    return { ok: "Acknowledged." };
  });
}

export async function acknowledgeAllAction(): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const count = await acknowledgeAll(user.workspaceId);
    refresh();
    return { ok: count === 1 ? "1 alert acknowledged." : `${count} alerts acknowledged.` };
  });
}

export async function createChannelAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const input = actionInput(newChannelSchema, { kind: form.get("kind"), target: String(form.get("target") ?? "").trim() });
      const { secret } = await createChannel(user, input);
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "alert_channel_created", target: input.target, detail: { kind: input.kind } });
      refresh();
      return input.kind === "webhook"
        ? { ok: "Alerts will be POSTed to that URL, signed with Standard Webhooks.", secret }
        : { ok: `Alerts will be posted to ${input.target} through your Slack connection.` };
    },
    [AlertChannelError],
    "admin",
  );
}

export async function deleteChannelAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(
    async (user) => {
      const channelId = String(form.get("channelId") ?? "");
      if (!(await deleteChannel(user.workspaceId, channelId))) return { error: "That channel does not exist." };
      await audit({ workspaceId: user.workspaceId, actor: actorOf(user), action: "alert_channel_removed", target: channelId });
      refresh();
      return { ok: "Channel removed." };
    },
    [],
    "admin",
  );
}
