import "server-only";
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { affectedRows, db, type Db, rows, withLazyCommits } from "@/db/client";
import { writtenTogether } from "@/db/written-together";
import type { NoticeOrigin } from "@/db/notifications";
import { forLease, leaseSize } from "@/db/sql/leasing";
import { settleDeliveries, type DeliveryOutcome } from "@/db/sql/delivery-outcomes";
import { insertRows } from "@/db/sql/many-rows";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import { checkEndpointFailing, enqueueForwards, raiseAlert } from "@/lib/outbox";
import { type BackgroundLoop, env, log, recordDeliveryAttempt, startBackgroundLoop } from "@/lib/platform";
import { leaseRows, nextStep, QueueWorker, renewWhileRunning, retryDelayMs, type QueueTable } from "@/lib/queue";
import type { DeliveryRow } from "./deliveries";
import { failDeliveryRuns } from "@/lib/automations";
import { PermanentDeliveryError, type DeliveryHandler } from "./handlers";
import { handleDelivery } from "./webhook-trigger";
import { inDeliverySpan } from "./delivery-span";
import { announce, deliveryEvents, type DeliveryEvent } from "./events";
import { dispatcherWake, lastIntakeAt, wakeForDeliveryElsewhere } from "./wake";

export { retryDelayMs };

/** The default lease (WEBHOOK_LEASE_SECONDS sets the running dispatcher's). */
export const LEASE_MS = 60_000;
const BATCH = 16;

export const INTERRUPTED = "processing was interrupted (lease expired)";

function triggerOf(row: { replayRequested: boolean; attempts: number }): "replay" | "retry" | "automatic" {
  return row.replayRequested ? "replay" : row.attempts > 1 ? "retry" : "automatic";
}

type Candidate = { id: number; status: string; attempts: number; leaseUntil: number | null; replayRequested: number | boolean };

/**
 * Takes up to `limit` deliveries that are due (received or retrying, next attempt reached) or whose lease has
 * expired (a process died mid-attempt), marks them processing with a fresh lease, and counts the
 * attempt. An expired lease means an attempt was lost: it is recorded as failed before the new one.
 * One transaction that locks what it selects (db/sql/leasing.ts), so two dispatchers, in one process
 * or several, never take the same row.
 */
export async function leaseDue(now = Date.now(), limit = BATCH, leaseMs = LEASE_MS, inFlight: readonly number[] = []): Promise<DeliveryRow[]> {
  return leaseRows(
    async (tx) => {
      // dialect: leasing (db/sql/leasing.ts: FOR UPDATE SKIP LOCKED on PostgreSQL)
      const due = await rows<Candidate>(sql`
      select id, status, attempts, lease_until as "leaseUntil", replay_requested as "replayRequested" from webhook_deliveries
      where ((status in ('received', 'retrying') and next_attempt_at <= ${now}) or (status = 'processing' and lease_until < ${now}))
        ${inFlight.length > 0 ? sql`and id not in ${inFlight}` : sql``}
      order by next_attempt_at, id
      limit ${limit}${forLease()}`);
      if (due.length === 0) return [];
      const interrupted = due.filter((row) => row.status === "processing");
      for (const row of interrupted) {
        // The lease start is not stored; the last renewal (lease_until - leaseMs) is the last sign of life.
        const lastSeen = (row.leaseUntil ?? now) - leaseMs;
        await tx.insert(webhookAttempts).values({
          deliveryId: row.id,
          number: row.attempts,
          trigger: triggerOf({ replayRequested: Boolean(row.replayRequested), attempts: row.attempts }),
          startedAt: lastSeen,
          durationMs: Math.max(0, now - lastSeen),
          outcome: "failed",
          error: INTERRUPTED,
        });
      }
      const taken = due.map((row) => row.id);
      await tx
        .update(webhookDeliveries)
        .set({ status: "processing", leaseUntil: now + leaseMs, attempts: sql`${webhookDeliveries.attempts} + 1` })
        .where(inArray(webhookDeliveries.id, taken));
      if (interrupted.length > 0) {
        await tx
          .update(webhookDeliveries)
          .set({ lastError: INTERRUPTED })
          .where(
            inArray(
              webhookDeliveries.id,
              interrupted.map((row) => row.id),
            ),
          );
      }
      return taken;
    },
    (ids) =>
      db().select().from(webhookDeliveries).where(inArray(webhookDeliveries.id, ids)).orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id)),
  );
}

/**
 * Extends the lease of a delivery still being processed by this dispatcher. With `attempt` (the
 * attempt number the lease counted), only while no other dispatcher has taken it over since.
 */
export async function renewLease(id: number, now = Date.now(), leaseMs = LEASE_MS, attempt?: number): Promise<boolean> {
  const result = await db()
    .update(webhookDeliveries)
    .set({ leaseUntil: now + leaseMs })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.status, "processing"),
        attempt === undefined ? undefined : eq(webhookDeliveries.attempts, attempt),
      ),
    );
  return affectedRows(result) > 0;
}

async function raiseDeliveryFailed(delivery: DeliveryRow, error: string, now: number): Promise<void> {
  const what = [delivery.event, delivery.action].filter(Boolean).join(".") || "delivery";
  await raiseAlert(
    delivery.workspaceId,
    {
      kind: "delivery_failed",
      // One issue per source, event and cause, however many deliveries fail the same way.
      subject: `source:${delivery.providerId}/${delivery.endpointId ?? ""}:${what}`,
      error,
      title: `${delivery.providerId} ${what} deliveries fail for good`,
      detail: `Delivery ${delivery.id}, after ${delivery.attempts} attempts: ${error.slice(0, 500)}`,
      link: `/webhooks?status=failed&provider=${encodeURIComponent(delivery.providerId)}${delivery.event ? `&event=${encodeURIComponent(what)}` : ""}`,
      deliveryId: delivery.id,
    },
    now,
  );
}

type AttemptRow = typeof webhookAttempts.$inferInsert;
type Settling = { outcome: DeliveryOutcome; attempt: AttemptRow };

const ATTEMPT_KEYS = ["deliveryId", "number", "trigger", "startedAt", "durationMs", "outcome", "error", "note"] as const;

/**
 * Records an attempt's outcome fenced by the attempt number its lease counted: false when another
 * dispatcher owns the delivery now, and no attempt row is written for it. The outcomes handed in
 * together (db/written-together.ts: in one turn, or while the previous batch commits) are one
 * transaction: one statement moves every delivery still leased to its attempt on
 * (settleDeliveries), one writes their attempt rows (on PostgreSQL one round trip each instead of
 * four per delivery). A batch that fails is settled again one delivery at a time, so only the one
 * that cannot be fails.
 */
const settleAttempt = writtenTogether(async (_tx: Db, batch: Settling[]): Promise<boolean[]> => {
  const settled = await settleDeliveries(batch.map((entry) => entry.outcome));
  await insertRows(
    webhookAttempts,
    ATTEMPT_KEYS,
    batch.filter((entry) => settled.has(entry.outcome.id)).map((entry) => entry.attempt),
  );
  return batch.map((entry) => settled.has(entry.outcome.id));
});

async function attempt(delivery: DeliveryRow, handle: DeliveryHandler, now: () => number, leaseMs: number): Promise<void> {
  const startedAt = now();
  const trigger = triggerOf(delivery);
  // A long workflow keeps its lease, so no other dispatcher takes the row over meanwhile.
  const stopRenewing = renewWhileRunning(
    () => renewLease(delivery.id, now(), leaseMs, delivery.attempts),
    leaseMs,
    (caught) => log.warn("could not renew a delivery's lease", { delivery: delivery.id, error: (caught as Error)?.message }),
  );
  let outcome: Awaited<ReturnType<DeliveryHandler>> | undefined;
  let error: string | undefined;
  let permanent = false;
  try {
    // The processing's own writes lead up to the outcome's commit below, which makes them durable
    // with it (PostgreSQL: one WAL flush for the delivery instead of one per transaction).
    outcome = await withLazyCommits(async () => {
      // Forwarding runs beside processing: queued once per destination, whatever the handler does.
      if (!delivery.replayRequested) await enqueueForwards(delivery, startedAt);
      return handle(delivery);
    });
    error = outcome.error?.slice(0, 1000);
  } catch (caught) {
    error = (caught as Error)?.message?.slice(0, 1000) || String(caught);
    permanent = caught instanceof PermanentDeliveryError;
  } finally {
    stopRenewing();
  }
  const finishedAt = now();
  const durationMs = finishedAt - startedAt;
  const { status, retryIn } = nextStep(delivery.attempts, { ok: error === undefined, permanent }, { done: "processed", retry: "retrying", failed: "failed" });
  const kept = await settleAttempt({
    outcome: {
      id: delivery.id,
      attempts: delivery.attempts,
      status,
      processingMs: durationMs,
      lastError: error ?? null,
      nextAttemptAt: retryIn === undefined ? null : finishedAt + retryIn,
      workflowRunId: outcome?.workflowRunId ?? null,
    },
    attempt: {
      deliveryId: delivery.id,
      number: delivery.attempts,
      trigger,
      startedAt,
      durationMs,
      outcome: error === undefined ? "processed" : "failed",
      error: error ?? null,
      note: outcome?.note ?? null,
    },
  });
  if (!kept) {
    log.warn("a delivery's lease ran out before its attempt finished; another dispatcher took it over", { delivery: delivery.id, attempt: delivery.attempts });
    return;
  }
  recordDeliveryAttempt(delivery.providerId, delivery.endpointId, status);
  if (error) {
    log.warn("webhook processing failed", { delivery: delivery.id, attempt: delivery.attempts, status, error });
    if (status === "failed") {
      await failDeliveryRuns(delivery.id, error);
      await raiseDeliveryFailed(delivery, error, finishedAt);
    }
    await checkEndpointFailing(delivery, finishedAt);
  }
  announce({ workspaceId: delivery.workspaceId, deliveryId: delivery.id, status });
}

export type ProcessOptions = {
  /** Processes one delivery; by default handleDelivery: the workspace's automations that match it run. */
  handle?: DeliveryHandler;
  now?: () => number;
  limit?: number;
  leaseMs?: number;
  pollMs?: number;
  /** Asked before leasing more: true while processing should give way to intake (see intakeHasPriority). */
  yieldToIntake?: () => boolean | Promise<boolean>;
};

/**
 * Processes everything that is due, keeping up to `limit` attempts in flight: a slot freed by a
 * finished attempt, a wake from the intake, or `pollMs` passing leases more, so one slow workflow
 * does not hold back new deliveries. Returns how many attempts it made once nothing is in flight
 * or due.
 */
export async function processDueDeliveries({
  handle = handleDelivery,
  now = Date.now,
  limit = env().WEBHOOK_PROCESSING_CONCURRENCY,
  leaseMs = LEASE_MS,
  pollMs = 1000,
  yieldToIntake,
}: ProcessOptions = {}): Promise<number> {
  const table: QueueTable<DeliveryRow> = {
    lease: async (wanted, admission) => {
      // Never what this process is still running, even past its lease (a late renewal on a busy machine).
      const leased = await leaseDue(now(), wanted, leaseMs, admission.inFlight.map(Number));
      // One slot each, whoever the delivery is for: processing has no per-person or per-origin share.
      for (const delivery of leased) admission.admit(String(delivery.id), { workspaceId: delivery.workspaceId, origin: "" });
      return leased;
    },
    attempt: (delivery) => {
      announce({ workspaceId: delivery.workspaceId, deliveryId: delivery.id, status: "processing" });
      return inDeliverySpan(delivery, () => attempt(delivery, handle, now, leaseMs));
    },
    idOf: (delivery) => String(delivery.id),
  };
  const worker = new QueueWorker(table, {
    name: "dispatcher",
    slots: { total: limit, perPerson: limit, perOrigin: limit },
    leaseAtMost: leaseSize(limit),
  });
  return worker.drain({ wake: dispatcherWake, pollMs, yieldFirst: yieldToIntake });
}

/** Makes deliveries due again as a new attempt; only verified ones that finished (processed or failed). */
export async function requestReplay(workspaceId: string, ids: number[], now = Date.now()): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db()
    .update(webhookDeliveries)
    .set({ status: "received", nextAttemptAt: now, replayRequested: true })
    .where(
      and(
        eq(webhookDeliveries.workspaceId, workspaceId),
        inArray(webhookDeliveries.id, ids),
        eq(webhookDeliveries.verified, true),
        inArray(webhookDeliveries.status, ["processed", "failed"]),
        // Retention removed the body: there is nothing left to process.
        isNull(webhookDeliveries.trimmedAt),
      ),
    );
  const changed = affectedRows(result);
  if (changed > 0) dispatcherWake.emit("wake");
  return changed;
}

/** Brings a retrying delivery's next attempt forward to now. */
export async function retryNow(workspaceId: string, id: number, now = Date.now()): Promise<boolean> {
  const changed =
    affectedRows(
      await db()
        .update(webhookDeliveries)
        .set({ nextAttemptAt: now })
        .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "retrying"))),
    ) > 0;
  if (changed) dispatcherWake.emit("wake");
  return changed;
}

/** Stops a retrying delivery's remaining retries: it ends as failed (and can still be replayed). */
export async function cancelRetries(workspaceId: string, id: number): Promise<boolean> {
  const changed =
    affectedRows(
      await db()
        .update(webhookDeliveries)
        .set({ status: "failed", nextAttemptAt: null })
        .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "retrying"))),
    ) > 0;
  if (changed) {
    await failDeliveryRuns(id, "Its delivery's retries were cancelled.");
    announce({ workspaceId, deliveryId: id, status: "failed" });
  }
  return changed;
}

/** How long intakeHasPriority trusts the oldest due delivery it read: it asks on every wake (every 25 ms of a burst) otherwise. */
const OLDEST_DUE_TTL_MS = 1000;
let oldestDueSeen: { oldest: number | null; at: number } | undefined;

/**
 * Intake first: while deliveries keep arriving (one in the last `quietMs`), processing waits, so a
 * sender's burst is acknowledged at full speed and processed right after it. The wait is bounded:
 * once the oldest due delivery has waited `maxDelayMs`, processing runs alongside intake again.
 *
 * The oldest due delivery read is trusted for OLDEST_DUE_TTL_MS: during a burst this is asked on
 * every wake, and the query (a min over the burst's rows) cost about a millisecond each time on
 * SQLite, some 5% of intake's CPU at one connection. Deliveries that became due meanwhile are
 * newer, so the oldest can only have been processed since, never replaced by an older one (but for
 * a delivery read before the query and committed after it: milliseconds).
 */
export async function intakeHasPriority({
  now = Date.now(),
  lastIntake = lastIntakeAt(),
  quietMs = 250,
  maxDelayMs = env().WEBHOOK_PROCESSING_MAX_DELAY_MS,
} = {}): Promise<boolean> {
  if (maxDelayMs === 0 || now - lastIntake >= quietMs) return false;
  const seen = oldestDueSeen;
  if (seen && now >= seen.at && now - seen.at < OLDEST_DUE_TTL_MS && (seen.oldest === null || now - seen.oldest < maxDelayMs)) return true;
  const [row] = await db()
    .select({ at: sql<number | null>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "received"), lte(webhookDeliveries.nextAttemptAt, now)));
  const oldest = row?.at ?? null;
  oldestDueSeen = { oldest, at: now };
  return oldest === null || now - oldest < maxDelayMs;
}

/** Forgets the oldest due delivery intakeHasPriority read (tests that rewrite the queue). */
export function forgetOldestDue(): void {
  oldestDueSeen = undefined;
}

/**
 * On PostgreSQL every process hears every process's delivery notices; one from another process
 * saying a delivery was received wakes this dispatcher at once, so whichever process is free takes
 * it without waiting for its poll. (A delivery received here wakes it directly, through intake; on
 * SQLite there is no other process.) Returns the unsubscribe.
 */
export function wakeOnDeliveriesElsewhere(): () => void {
  const listener = (event: DeliveryEvent, origin?: NoticeOrigin) => {
    if (origin?.elsewhere && event.status === "received") wakeForDeliveryElsewhere();
  };
  deliveryEvents.on("delivery", listener);
  return () => deliveryEvents.off("delivery", listener);
}

/** The in-process dispatcher: polls every second and wakes at once when intake (here, or on PostgreSQL anywhere) stores a delivery. */
export function startDispatcher({ intervalMs = 1000 }: { intervalMs?: number } = {}): BackgroundLoop {
  wakeOnDeliveriesElsewhere();
  const leaseMs = env().WEBHOOK_LEASE_SECONDS * 1000;
  return startBackgroundLoop("dispatcher", () => processDueDeliveries({ leaseMs, yieldToIntake: () => intakeHasPriority() }), {
    intervalMs,
    wake: dispatcherWake,
  });
}
