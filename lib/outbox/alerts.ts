import "server-only";
import { createHash } from "node:crypto";
import { and, count, desc, eq, gt, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { alertChannels, alertDeliveries, alerts, webhookAttempts, webhookDeliveries, type AlertKind } from "@/db/schema";
import { log } from "@/lib/platform";
import { enqueue } from "./queue";

export type Alert = typeof alerts.$inferSelect;

/**
 * One occurrence of a problem. `subject` names what failed (a connection, a destination, a source
 * and its event) and `error` why; occurrences with the same kind, subject and error (its ids and
 * numbers taken out, see causeOf) are one issue. `deliveryId` is the delivery it was seen on.
 */
export type RaiseAlert = { kind: AlertKind; subject: string; error?: string; title: string; detail?: string; link: string; deliveryId?: number };

/** What raiseAlert did: the issue's id, and whether this occurrence opened it (first seen, or back after Resolve or a mute). */
export type Raised = { id: string; opened: boolean };

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** A run of hex long enough to be an id or a hash (commit shas, request ids), with at least one digit. */
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi;
/** An HTTP status code is part of the cause (a 404 is not a 500); every other number is not. */
const HTTP_STATUS = /\b[1-5]\d\d\b/;
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * The cause of an error, as grouping sees it: uuids, long hex ids and numbers taken out (an HTTP
 * status code kept), whitespace collapsed. "GitHub answered 404 for octo/repo#12 (request
 * 9f86d081...)" and the same for #13 are one cause.
 */
export function causeOf(error: string): string {
  return error
    .replace(UUID, "<id>")
    .replace(HEX, "<id>")
    .replace(NUMBER, (number) => (HTTP_STATUS.test(number) && number.length === 3 ? number : "<n>"))
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 500);
}

/** The issue an occurrence belongs to: kind, subject and cause, hashed. */
export function fingerprintOf(alert: Pick<RaiseAlert, "kind" | "subject" | "error">): string {
  return createHash("sha256")
    .update(`${alert.kind}\n${alert.subject}\n${causeOf(alert.error ?? "")}`)
    .digest("hex")
    .slice(0, 40);
}

/** Open, or muted past its time: what counts as needing attention now. */
function openNow(now: number): SQL {
  return or(eq(alerts.status, "open"), and(eq(alerts.status, "muted"), lte(alerts.mutedUntil, now)))!;
}

/**
 * Counts an occurrence on its issue: the first one opens the issue; one after Resolve, or after a
 * mute ran out, opens it again; one while it is open, muted or ignored is counted only. Each opening
 * is told once to every channel of the workspace. Never throws: an alert must not break what raised it.
 */
export async function raiseAlert(workspaceId: string, alert: RaiseAlert, now = Date.now()): Promise<Raised | undefined> {
  try {
    const fingerprint = fingerprintOf(alert);
    const detail = (alert.detail ?? "").slice(0, 2000);
    const [created] = await db()
      .insert(alerts)
      .values({
        workspaceId,
        kind: alert.kind,
        subject: alert.subject,
        fingerprint,
        title: alert.title.slice(0, 300),
        detail,
        link: alert.link,
        createdAt: now,
        lastSeenAt: now,
        statusChangedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: alerts.id, openings: alerts.openings });
    // Reopening is one conditional statement, so of two processes seeing a recurrence one reopens.
    const reopened = created
      ? undefined
      : (
          await db()
            .update(alerts)
            .set({
              status: "open",
              mutedUntil: null,
              openings: sql`${alerts.openings} + 1`,
              occurrences: sql`${alerts.occurrences} + 1`,
              lastSeenAt: now,
              statusChangedAt: now,
              detail,
            })
            .where(
              and(
                eq(alerts.workspaceId, workspaceId),
                eq(alerts.fingerprint, fingerprint),
                or(eq(alerts.status, "resolved"), and(eq(alerts.status, "muted"), lte(alerts.mutedUntil, now))),
              ),
            )
            .returning({ id: alerts.id, openings: alerts.openings })
        )[0];
    const opened = created ?? reopened;
    let id = opened?.id;
    if (!opened) {
      const [counted] = await db()
        .update(alerts)
        .set({ occurrences: sql`${alerts.occurrences} + 1`, lastSeenAt: now, detail })
        .where(and(eq(alerts.workspaceId, workspaceId), eq(alerts.fingerprint, fingerprint)))
        .returning({ id: alerts.id });
      id = counted?.id;
    }
    if (!id) return undefined;
    if (alert.deliveryId !== undefined)
      await db()
        .insert(alertDeliveries)
        .values({ alertId: id, deliveryId: alert.deliveryId, seenAt: now })
        .onConflictDoUpdate({ target: [alertDeliveries.alertId, alertDeliveries.deliveryId], set: { seenAt: now } });
    if (opened) {
      const channels = await db().select({ id: alertChannels.id }).from(alertChannels).where(eq(alertChannels.workspaceId, workspaceId));
      await enqueue(
        channels.map((channel) => ({ workspaceId, kind: "alert" as const, alertId: opened.id, channelId: channel.id, alertOpening: opened.openings })),
        now,
      );
    }
    return { id, opened: opened !== undefined };
  } catch (error) {
    log.error("could not raise an alert", { kind: alert.kind, error: (error as Error).message });
    return undefined;
  }
}

/** Which issues a list shows: those needing attention now, or those a person put aside (muted, ignored, resolved). */
export type IssueView = "open" | "muted" | "ignored" | "resolved";

function viewFilter(view: IssueView | undefined, now: number): SQL | undefined {
  switch (view) {
    case undefined:
      return undefined;
    case "open":
      return openNow(now);
    case "muted":
      return and(eq(alerts.status, "muted"), gt(alerts.mutedUntil, now));
    default:
      return eq(alerts.status, view);
  }
}

/** The workspace's issues, most recently seen first. */
export async function listAlerts(
  workspaceId: string,
  { view, limit = 100, now = Date.now() }: { view?: IssueView; limit?: number; now?: number } = {},
): Promise<Alert[]> {
  return db()
    .select()
    .from(alerts)
    .where(and(eq(alerts.workspaceId, workspaceId), viewFilter(view, now)))
    .orderBy(desc(alerts.lastSeenAt), desc(alerts.id))
    .limit(limit);
}

/** How many issues are in each view: the Alerts page's tabs and the overview's figure. */
export async function issueCounts(workspaceId: string, now = Date.now()): Promise<Record<IssueView, number>> {
  const counts = { open: 0, muted: 0, ignored: 0, resolved: 0 } satisfies Record<IssueView, number>;
  const grouped = await db()
    .select({ status: alerts.status, mutedUntil: alerts.mutedUntil, count: count() })
    .from(alerts)
    .where(eq(alerts.workspaceId, workspaceId))
    .groupBy(alerts.status, alerts.mutedUntil);
  for (const row of grouped) {
    const view: IssueView = row.status === "muted" && (row.mutedUntil ?? 0) <= now ? "open" : row.status;
    counts[view] += row.count;
  }
  return counts;
}

export async function openAlertCount(workspaceId: string, now = Date.now()): Promise<number> {
  const [row] = await db()
    .select({ count: count() })
    .from(alerts)
    .where(and(eq(alerts.workspaceId, workspaceId), openNow(now)));
  return row?.count ?? 0;
}

/** Open issues of one kind (the overview's "endpoints failing" counts those the Alerts page shows). */
export async function openIssueCountOf(workspaceId: string, kind: AlertKind, now = Date.now()): Promise<number> {
  const [row] = await db()
    .select({ count: count() })
    .from(alerts)
    .where(and(eq(alerts.workspaceId, workspaceId), eq(alerts.kind, kind), openNow(now)));
  return row?.count ?? 0;
}

/** An issue with the deliveries it was seen on (the latest `limit`). */
export async function getIssue(
  workspaceId: string,
  alertId: string,
  limit = 50,
): Promise<
  { issue: Alert; deliveries: { id: number; seenAt: number; event: string | null; action: string | null; status: string; receivedAt: number }[] } | undefined
> {
  const [issue] = await db()
    .select()
    .from(alerts)
    .where(and(eq(alerts.id, alertId), eq(alerts.workspaceId, workspaceId)))
    .limit(1);
  if (!issue) return undefined;
  const deliveries = await db()
    .select({
      id: webhookDeliveries.id,
      seenAt: alertDeliveries.seenAt,
      event: webhookDeliveries.event,
      action: webhookDeliveries.action,
      status: webhookDeliveries.status,
      receivedAt: webhookDeliveries.receivedAt,
    })
    .from(alertDeliveries)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, alertDeliveries.deliveryId))
    .where(and(eq(alertDeliveries.alertId, issue.id), eq(webhookDeliveries.workspaceId, workspaceId)))
    .orderBy(desc(alertDeliveries.seenAt), desc(alertDeliveries.deliveryId))
    .limit(limit);
  return { issue, deliveries };
}

/** How many deliveries each issue was seen on. */
export async function affectedDeliveryCounts(alertIds: string[]): Promise<Map<string, number>> {
  if (alertIds.length === 0) return new Map();
  const counted = await db()
    .select({ alertId: alertDeliveries.alertId, count: count() })
    .from(alertDeliveries)
    .where(inArray(alertDeliveries.alertId, alertIds))
    .groupBy(alertDeliveries.alertId);
  return new Map(counted.map((row) => [row.alertId, row.count]));
}

/** The mute lengths offered: an hour, eight hours, a day, a week. */
export const MUTE_HOURS = [1, 8, 24, 168] as const;

export type IssueChange = { to: "resolved" } | { to: "ignored" } | { to: "muted"; hours: number } | { to: "open" };

export const issueChangeSchema = z.discriminatedUnion("to", [
  z.object({ to: z.literal("resolved") }),
  z.object({ to: z.literal("ignored") }),
  z.object({ to: z.literal("open") }),
  z.object({
    to: z.literal("muted"),
    hours: z.coerce
      .number()
      .int()
      .positive()
      .max(24 * 30),
  }),
]);

/**
 * Resolves, ignores, mutes or reopens an issue by hand. Resolved, it opens again when it recurs;
 * ignored, it is counted but stays quiet; muted, it stays quiet until the time is up. Returns
 * whether the issue was found in the workspace.
 */
export async function changeIssue(workspaceId: string, alertId: string, change: IssueChange, now = Date.now()): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .update(alerts)
        .set({ status: change.to, mutedUntil: change.to === "muted" ? now + change.hours * 3_600_000 : null, statusChangedAt: now })
        .where(and(eq(alerts.id, alertId), eq(alerts.workspaceId, workspaceId))),
    ) > 0
  );
}

/** Resolves every issue that needs attention now. */
export async function resolveAll(workspaceId: string, now = Date.now()): Promise<number> {
  return affectedRows(
    await db()
      .update(alerts)
      .set({ status: "resolved", mutedUntil: null, statusChangedAt: now })
      .where(and(eq(alerts.workspaceId, workspaceId), openNow(now))),
  );
}

/** Failed attempts in a row, newest first, before an endpoint counts as failing. */
export const ENDPOINT_FAILING_STREAK = 5;

/**
 * After a failed attempt: when the endpoint's last ENDPOINT_FAILING_STREAK attempts (across its
 * deliveries) all failed, the endpoint is failing.
 */
export async function checkEndpointFailing(
  delivery: { id?: number; workspaceId: string; providerId: string; endpointId: string | null },
  now = Date.now(),
): Promise<void> {
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
      deliveryId: delivery.id,
    },
    now,
  );
}
