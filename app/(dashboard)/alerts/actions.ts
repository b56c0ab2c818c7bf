"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import { AlertChannelError, createChannel, deleteChannel, newChannelSchema } from "@/lib/outbox/alert-channels";
import { changeIssue, issueChangeSchema, resolveAll } from "@/lib/outbox/alerts";
import type { WebhookActionState } from "../webhooks/actions";

function refresh(alertId?: string): void {
  revalidatePath("/alerts");
  if (alertId) revalidatePath(`/alerts/${alertId}`);
  revalidatePath("/");
}

const said: Record<z.infer<typeof issueChangeSchema>["to"], string> = {
  resolved: "Resolved: it opens again if it happens again.",
  ignored: "Ignored: it is still counted, but stays quiet.",
  muted: "Muted.",
  open: "Reopened.",
};

/** Resolve, Ignore, Mute (for `hours`) or Reopen an issue: members and above, like any change to the workspace's work. */
export async function changeIssueAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const alertId = actionInput(z.uuid(), form.get("alertId"), "That issue does not exist.");
    const change = actionInput(issueChangeSchema, { to: form.get("to"), hours: form.get("hours") ?? undefined }, "Choose Resolve, Ignore or Mute.");
    if (!(await changeIssue(user.workspaceId, alertId, change))) return { error: "That issue does not exist." };
    refresh(alertId);
    return { ok: change.to === "muted" ? `Muted for ${change.hours === 1 ? "an hour" : `${change.hours} hours`}.` : said[change.to] };
  });
}

export async function resolveAllAction(): Promise<WebhookActionState> {
  return userAction(async (user) => {
    const count = await resolveAll(user.workspaceId);
    refresh();
    return { ok: count === 1 ? "1 issue resolved." : `${count} issues resolved.` };
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
        ? { ok: "Issues will be POSTed to that URL, signed with Standard Webhooks.", secret, secretFor: "receiver" as const }
        : { ok: `Issues will be posted to ${input.target} through your Slack connection.` };
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
