import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { alertChannels } from "@/db/schema";
import { assertUrlAllowed, BlockedRequestError } from "@/lib/http";
import type { Actor } from "@/lib/platform";
import { newSigningSecret, sealSigningSecret } from "./signing";

/** Where a workspace's alerts are told: a Slack channel or a signed URL (lib/outbox/alerts.ts raises them). */
export type AlertChannel = Omit<typeof alertChannels.$inferSelect, "secretSealed">;

export const newChannelSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("slack"),
    target: z
      .string()
      .trim()
      .regex(/^#?[A-Za-z0-9_-]{1,80}$/, { message: "expected a Slack channel name (#alerts) or id (C0123…)" }),
  }),
  z.object({
    kind: z.literal("webhook"),
    target: z
      .url({ message: "expected an absolute http(s) URL" })
      .refine((value) => /^https?:/i.test(value), { message: "expected an http or https URL" })
      .refine((value) => !new URL(value).username && !new URL(value).password, { message: "put no credentials in the URL; verify the signature instead" }),
  }),
]);

/** Everything about a channel but its sealed secret. */
const channelColumns = {
  id: alertChannels.id,
  workspaceId: alertChannels.workspaceId,
  userId: alertChannels.userId,
  kind: alertChannels.kind,
  target: alertChannels.target,
  createdAt: alertChannels.createdAt,
};

export class AlertChannelError extends Error {
  override name = "AlertChannelError";
}

/** Adds a channel (a Slack one posts through its maker's Slack connection); for a URL, the Standard Webhooks secret is returned once here and stored sealed. */
export async function createChannel(
  { userId, workspaceId }: Actor,
  input: z.input<typeof newChannelSchema>,
  now = Date.now(),
): Promise<{ channel: AlertChannel; secret?: string }> {
  const parsed = newChannelSchema.parse(input);
  const id = crypto.randomUUID();
  let secret: string | undefined;
  if (parsed.kind === "webhook") {
    try {
      assertUrlAllowed(new URL(parsed.target));
    } catch (error) {
      if (error instanceof BlockedRequestError) throw new AlertChannelError(error.message);
      throw error;
    }
    secret = newSigningSecret();
  }
  const [channel] = await db()
    .insert(alertChannels)
    .values({
      id,
      workspaceId,
      userId,
      kind: parsed.kind,
      target: parsed.target,
      secretSealed: secret ? sealSigningSecret("alert_channels", id, secret) : null,
      createdAt: now,
    })
    .returning(channelColumns);
  return { channel: channel!, secret };
}

export async function listChannels(workspaceId: string): Promise<AlertChannel[]> {
  return db().select(channelColumns).from(alertChannels).where(eq(alertChannels.workspaceId, workspaceId)).orderBy(desc(alertChannels.createdAt));
}

export async function deleteChannel(workspaceId: string, channelId: string): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .delete(alertChannels)
        .where(and(eq(alertChannels.id, channelId), eq(alertChannels.workspaceId, workspaceId))),
    ) > 0
  );
}
