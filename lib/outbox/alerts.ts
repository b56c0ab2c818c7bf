import "server-only";
import { and, count, desc, eq, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { alertChannels, alerts, webhookAttempts, webhookDeliveries, type AlertKind } from "@/db/schema";
import { assertUrlAllowed, BlockedRequestError } from "@/lib/http";
import { type Actor, log } from "@/lib/platform";
import { enqueue } from "./queue";
import { newSigningSecret, sealSigningSecret } from "./signing";

export type Alert = typeof alerts.$inferSelect;
export type AlertChannel = Omit<typeof alertChannels.$inferSelect, "secretSealed">;

export type RaiseAlert = { kind: AlertKind; subject: string; title: string; detail?: string; link: string };

/**
 * Raises an alert unless one for the same kind and subject is still open (not acknowledged), and
 * queues one notification per channel the person chose. Returns the new alert's id, or undefined
 * when an open one already covered it. Never throws: an alert must not break what raised it.
 */
export async function raiseAlert(workspaceId: string, alert: RaiseAlert, now = Date.now()): Promise<string | undefined> {
  try {
    const [row] = await db()
      .insert(alerts)
      .values({
        workspaceId,
        kind: alert.kind,
        subject: alert.subject,
        openKey: `${alert.kind}:${alert.subject}`,
        title: alert.title.slice(0, 300),
        detail: (alert.detail ?? "").slice(0, 2000),
        link: alert.link,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    if (!row) return undefined;
    const channels = await db().select({ id: alertChannels.id }).from(alertChannels).where(eq(alertChannels.workspaceId, workspaceId));
    await enqueue(
      channels.map((channel) => ({ workspaceId, kind: "alert" as const, alertId: row.id, channelId: channel.id })),
      now,
    );
    return row.id;
  } catch (error) {
    log.error("could not raise an alert", { kind: alert.kind, error: (error as Error).message });
    return undefined;
  }
}

export async function listAlerts(workspaceId: string, { open, limit = 100 }: { open?: boolean; limit?: number } = {}): Promise<Alert[]> {
  const filter = open === undefined ? undefined : open ? isNull(alerts.acknowledgedAt) : isNotNull(alerts.acknowledgedAt);
  return db()
    .select()
    .from(alerts)
    .where(and(eq(alerts.workspaceId, workspaceId), filter))
    .orderBy(desc(alerts.createdAt))
    .limit(limit);
}

export async function openAlertCount(workspaceId: string): Promise<number> {
  const [row] = await db()
    .select({ count: count() })
    .from(alerts)
    .where(and(eq(alerts.workspaceId, workspaceId), isNull(alerts.acknowledgedAt)));
  return row?.count ?? 0;
}

/** Acknowledges an alert: it leaves the open list, and the same condition may raise a new one. */
export async function acknowledgeAlert(workspaceId: string, alertId: string, now = Date.now()): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .update(alerts)
        .set({ acknowledgedAt: now, openKey: null })
        .where(and(eq(alerts.id, alertId), eq(alerts.workspaceId, workspaceId), isNull(alerts.acknowledgedAt))),
    ) > 0
  );
}

export async function acknowledgeAll(workspaceId: string, now = Date.now()): Promise<number> {
  return affectedRows(
    await db()
      .update(alerts)
      .set({ acknowledgedAt: now, openKey: null })
      .where(and(eq(alerts.workspaceId, workspaceId), isNull(alerts.acknowledgedAt))),
  );
}

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

/** Failed attempts in a row, newest first, before an endpoint counts as failing. */
export const ENDPOINT_FAILING_STREAK = 5;

/**
 * After a failed attempt: when the endpoint's last ENDPOINT_FAILING_STREAK attempts (across its
 * deliveries) all failed, the endpoint is failing.
 */
export async function checkEndpointFailing(delivery: { workspaceId: string; providerId: string; endpointId: string | null }, now = Date.now()): Promise<void> {
  const recent = await db()
    .select({ outcome: webhookAttempts.outcome })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .where(
      and(
        eq(webhookDeliveries.workspaceId, delivery.workspaceId),
        eq(webhookDeliveries.providerId, delivery.providerId),
        delivery.endpointId === null ? isNull(webhookDeliveries.endpointId) : eq(webhookDeliveries.endpointId, delivery.endpointId),
      ),
    )
    .orderBy(desc(webhookAttempts.id))
    .limit(ENDPOINT_FAILING_STREAK);
  if (recent.length < ENDPOINT_FAILING_STREAK || recent.some((attempt) => attempt.outcome !== "failed")) return;
  const where = delivery.endpointId ? `endpoint ${delivery.endpointId}` : `the ${delivery.providerId} URL`;
  await raiseAlert(
    delivery.workspaceId,
    {
      kind: "endpoint_failing",
      subject: `endpoint:${delivery.providerId}/${delivery.endpointId ?? ""}`,
      title: `Deliveries to ${where} keep failing`,
      detail: `The last ${ENDPOINT_FAILING_STREAK} processing attempts failed.`,
      link: `/webhooks?status=failed&provider=${encodeURIComponent(delivery.providerId)}`,
    },
    now,
  );
}
