import "server-only";
import { EventEmitter } from "node:events";
import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { affectedRows, db, rows } from "@/db/client";
import { forLease } from "@/db/sql/leasing";
import { alertChannels, forwardDestinations, outboundAttempts, outboundMessages } from "@/db/schema";
import { processState } from "@/lib/platform";
import { leaseRows, nextStep, recordFenced, type Admission, type SlotKey } from "@/lib/queue";

export type OutboundMessage = typeof outboundMessages.$inferSelect;
export type NewOutboundMessage = Omit<typeof outboundMessages.$inferInsert, "id" | "createdAt" | "status" | "attempts" | "nextAttemptAt">;

export const OUTBOX_LEASE_MS = 60_000;

/** Wakes the sender when a message is queued, instead of waiting for its next poll. */
export const outboxWake: EventEmitter = processState("OutboxWake", () => new EventEmitter().setMaxListeners(100));

/**
 * Queues messages; a (delivery, destination) or (alert, channel) pair already queued is left as it
 * is, so queuing twice (a retried delivery, a re-raised alert) never sends twice.
 */
export async function enqueue(messages: NewOutboundMessage[], now = Date.now()): Promise<number> {
  if (messages.length === 0) return 0;
  const inserted = affectedRows(
    await db()
      .insert(outboundMessages)
      .values(messages.map((message) => ({ ...message, id: crypto.randomUUID(), createdAt: now, nextAttemptAt: now, status: "pending" as const })))
      .onConflictDoNothing(),
  );
  if (inserted > 0) outboxWake.emit("wake");
  return inserted;
}

/** A due message as the lease sees it before taking it: whose it is and where it goes. */
type Candidate = { id: string; workspaceId: string; destinationId: string | null; channelId: string | null };

/** The origin (scheme, host, port) a send is counted under; a URL that does not parse counts as itself. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Where each candidate goes: its destination's or alert URL's origin, "slack" for a Slack channel. */
async function keysOf(candidates: Candidate[]): Promise<Map<string, SlotKey>> {
  const destinationIds = [...new Set(candidates.flatMap((row) => (row.destinationId ? [row.destinationId] : [])))];
  const channelIds = [...new Set(candidates.flatMap((row) => (row.channelId ? [row.channelId] : [])))];
  const origins = new Map<string, string>();
  if (destinationIds.length > 0) {
    const destinations = await db()
      .select({ id: forwardDestinations.id, url: forwardDestinations.url })
      .from(forwardDestinations)
      .where(inArray(forwardDestinations.id, destinationIds));
    for (const destination of destinations) origins.set(destination.id, originOf(destination.url));
  }
  if (channelIds.length > 0) {
    const channels = await db()
      .select({ id: alertChannels.id, kind: alertChannels.kind, target: alertChannels.target })
      .from(alertChannels)
      .where(inArray(alertChannels.id, channelIds));
    for (const channel of channels) origins.set(channel.id, channel.kind === "slack" ? "slack" : originOf(channel.target));
  }
  // A deleted destination or channel: the send fails at once as permanent, so any shared key will do.
  return new Map(
    candidates.map((row) => [row.id, { workspaceId: row.workspaceId, origin: origins.get(row.destinationId ?? row.channelId ?? "") ?? "(deleted)" }]),
  );
}

const target = sql`coalesce(${outboundMessages.destinationId}, ${outboundMessages.channelId}, '')`;

/**
 * Takes up to `limit` messages that are due, or whose lease expired because the process sending
 * them died, and leases them. One transaction that locks what it selects (db/sql/leasing.ts), so two
 * senders, in one process or several, never take the same row.
 *
 * With an `admission`, only messages that find a slot are taken. The oldest due messages may all be
 * for a person or an origin whose slots are full; those are skipped by person or by destination and
 * the select runs again past them, so a long queue for a slow destination never hides the next
 * message for another one.
 */
export async function leaseDueMessages(now = Date.now(), limit = 16, leaseMs = OUTBOX_LEASE_MS, admission?: Admission): Promise<OutboundMessage[]> {
  return leaseRows(
    async (tx) => {
      const taken: string[] = [];
      const fullPeople = new Set<string>();
      const fullTargets = new Set<string>();
      while (taken.length < limit) {
        const window = admission ? Math.max(32, 2 * (limit - taken.length)) : limit;
        const skipped = [...(admission?.inFlight ?? []), ...taken];
        const filters = [
          skipped.length > 0 ? notInArray(outboundMessages.id, skipped) : undefined,
          fullPeople.size > 0 ? notInArray(outboundMessages.workspaceId, [...fullPeople]) : undefined,
          fullTargets.size > 0 ? sql`${target} not in ${[...fullTargets]}` : undefined,
        ];
        // dialect: leasing (db/sql/leasing.ts: FOR UPDATE SKIP LOCKED on PostgreSQL)
        const due = await rows<Candidate>(sql`
        select id as "id", workspace_id as "workspaceId", destination_id as "destinationId", channel_id as "channelId" from outbound_messages
        where ((status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until < ${now}))
          ${sql.join(
            filters.flatMap((filter) => (filter ? [sql`and ${filter}`] : [])),
            sql` `,
          )}
        order by next_attempt_at, created_at limit ${window}${forLease()}`);
        if (!admission) {
          taken.push(...due.map((row) => row.id));
          break;
        }
        const keys = await keysOf(due);
        let passedOver = false;
        let room = true;
        for (const row of due) {
          const verdict = taken.length === limit ? "full" : admission.admit(row.id, keys.get(row.id)!);
          if (verdict === "full") {
            room = false;
            break;
          }
          if (verdict === "taken") taken.push(row.id);
          else {
            passedOver = true;
            if (verdict === "person_full") fullPeople.add(row.workspaceId);
            else fullTargets.add(row.destinationId ?? row.channelId ?? "");
          }
        }
        if (!room || !passedOver || due.length < window) break;
      }
      if (taken.length === 0) return [];
      await tx
        .update(outboundMessages)
        .set({ status: "sending", leaseUntil: now + leaseMs, attempts: sql`${outboundMessages.attempts} + 1` })
        .where(inArray(outboundMessages.id, taken));
      return taken;
    },
    (ids) => db().select().from(outboundMessages).where(inArray(outboundMessages.id, ids)).orderBy(asc(outboundMessages.nextAttemptAt)),
  );
}

/** What a send came to; `responseHead` is the start of the receiver's answer (RESPONSE_HEAD_CHARS at most). */
export type SendOutcome =
  { ok: true; statusCode?: number; responseHead?: string } | { ok: false; statusCode?: number; error: string; permanent?: boolean; responseHead?: string };

/** How much of a receiver's answer an attempt keeps: enough to read its error, never a whole page. */
export const RESPONSE_HEAD_CHARS = 512;

/**
 * Records an attempt and moves the message on: delivered, due again after the retry schedule's
 * delay, or failed for good once the schedule is used up. Returns the new status, or "sending" when
 * this sender's lease ran out and another sender has taken the message over (nothing recorded).
 */
export async function recordAttempt(message: OutboundMessage, startedAt: number, outcome: SendOutcome, now = Date.now()): Promise<OutboundMessage["status"]> {
  const { status, retryIn } = nextStep(message.attempts, outcome, { done: "delivered", retry: "pending", failed: "failed" });
  // A sender whose lease ran out and was taken over records nothing, and "sending" says so.
  const kept = await recordFenced(
    (tx) =>
      tx
        .update(outboundMessages)
        .set({
          status,
          leaseUntil: null,
          lastStatusCode: outcome.statusCode ?? null,
          lastError: outcome.ok ? null : outcome.error.slice(0, 1000),
          nextAttemptAt: retryIn === undefined ? null : now + retryIn,
          deliveredAt: outcome.ok ? now : null,
        })
        .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "sending"), eq(outboundMessages.attempts, message.attempts))),
    (tx) =>
      tx.insert(outboundAttempts).values({
        messageId: message.id,
        number: message.attempts,
        startedAt,
        durationMs: Math.max(0, now - startedAt),
        statusCode: outcome.statusCode ?? null,
        responseHead: outcome.responseHead ? outcome.responseHead.slice(0, RESPONSE_HEAD_CHARS) : null,
        error: outcome.ok ? null : outcome.error.slice(0, 1000),
      }),
  );
  if (!kept) return "sending";
  return status;
}

/** Sends a finished message again as a new attempt (replay to one destination). Scoped to the user. */
export async function requeueMessage(workspaceId: string, messageId: string, now = Date.now()): Promise<boolean> {
  const changed =
    affectedRows(
      await db()
        .update(outboundMessages)
        .set({ status: "pending", nextAttemptAt: now })
        .where(
          and(eq(outboundMessages.id, messageId), eq(outboundMessages.workspaceId, workspaceId), inArray(outboundMessages.status, ["delivered", "failed"])),
        ),
    ) > 0;
  if (changed) outboxWake.emit("wake");
  return changed;
}

export async function attemptsOf(messageIds: string[]): Promise<(typeof outboundAttempts.$inferSelect)[]> {
  if (messageIds.length === 0) return [];
  return db().select().from(outboundAttempts).where(inArray(outboundAttempts.messageId, messageIds)).orderBy(asc(outboundAttempts.id));
}
