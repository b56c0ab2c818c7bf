import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import type { DeliveryRow } from "./deliveries";
import { announce } from "./events";
import { handleDelivery, type DeliveryHandler } from "./handlers";
import { dispatcherWake } from "./wake";

export const LEASE_MS = 60_000;
const BATCH = 16;

/**
 * Takes up to `limit` deliveries that are due (received, next attempt reached) or whose lease has
 * expired (a process died mid-attempt), marks them processing with a fresh lease, and counts the
 * attempt. One UPDATE ... RETURNING, so two dispatchers never take the same row.
 */
export function leaseDue(now = Date.now(), limit = BATCH, leaseMs = LEASE_MS): DeliveryRow[] {
  const database = db();
  const leased = database.all<{ id: number }>(sql`
    update webhook_deliveries
    set status = 'processing', lease_until = ${now + leaseMs}, attempts = attempts + 1
    where id in (
      select id from webhook_deliveries
      where (status = 'received' and next_attempt_at <= ${now}) or (status = 'processing' and lease_until < ${now})
      order by next_attempt_at, id
      limit ${limit}
    )
    returning id`);
  if (leased.length === 0) return [];
  return database.select().from(webhookDeliveries).where(inArray(webhookDeliveries.id, leased.map((row) => row.id))).all();
}

/** Seconds until the next try after `attempt` failed, with ±20% jitter; undefined when retries are used up. */
export function retryDelayMs(attempt: number, schedule = env().WEBHOOK_RETRY_SCHEDULE, random = Math.random): number | undefined {
  const seconds = schedule[attempt - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (0.8 + 0.4 * random()));
}

async function attempt(delivery: DeliveryRow, handle: DeliveryHandler, now: () => number): Promise<void> {
  const startedAt = now();
  const trigger = delivery.replayRequested ? "replay" : delivery.attempts > 1 ? "retry" : "automatic";
  let outcome: Awaited<ReturnType<DeliveryHandler>> | undefined;
  let error: string | undefined;
  try {
    outcome = await handle(delivery);
    error = outcome.error?.slice(0, 1000);
  } catch (caught) {
    error = (caught as Error)?.message?.slice(0, 1000) || String(caught);
  }
  const finishedAt = now();
  const durationMs = finishedAt - startedAt;
  const retryIn = error === undefined ? undefined : retryDelayMs(delivery.attempts);
  const status = error === undefined ? "processed" : retryIn === undefined ? "failed" : "received";
  db().transaction((tx) => {
    tx.insert(webhookAttempts)
      .values({
        deliveryId: delivery.id,
        number: delivery.attempts,
        trigger,
        startedAt,
        durationMs,
        outcome: error === undefined ? "processed" : "failed",
        error: error ?? null,
        note: outcome?.note ?? null,
      })
      .run();
    tx.update(webhookDeliveries)
      .set({
        status,
        leaseUntil: null,
        replayRequested: false,
        processingMs: durationMs,
        lastError: error ?? null,
        nextAttemptAt: retryIn === undefined ? null : finishedAt + retryIn,
        ...(outcome?.workflowRunId ? { workflowRunId: outcome.workflowRunId } : {}),
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, "processing")))
      .run();
  });
  if (error) log.warn("webhook processing failed", { delivery: delivery.id, attempt: delivery.attempts, status, error });
  announce({ userId: delivery.userId, deliveryId: delivery.id, status });
}

export type ProcessOptions = { handle?: DeliveryHandler; now?: () => number; limit?: number };

/** Processes everything that is due now; returns how many attempts it made. */
export async function processDueDeliveries({ handle = handleDelivery, now = Date.now, limit = BATCH }: ProcessOptions = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = leaseDue(now(), limit);
    for (const delivery of batch) announce({ userId: delivery.userId, deliveryId: delivery.id, status: "processing" });
    await Promise.all(batch.map((delivery) => attempt(delivery, handle, now)));
    total += batch.length;
    if (batch.length < limit) return total;
  }
}

/** Makes deliveries due again as a new attempt; only verified ones that finished (processed or failed). */
export function requestReplay(userId: string, ids: number[], now = Date.now()): number {
  if (ids.length === 0) return 0;
  const result = db()
    .update(webhookDeliveries)
    .set({ status: "received", nextAttemptAt: now, replayRequested: true })
    .where(
      and(
        eq(webhookDeliveries.userId, userId),
        inArray(webhookDeliveries.id, ids),
        eq(webhookDeliveries.verified, true),
        inArray(webhookDeliveries.status, ["processed", "failed"]),
      ),
    )
    .run();
  if (result.changes > 0) dispatcherWake.emit("wake");
  return result.changes;
}

const holder = globalThis as typeof globalThis & { __patchbayDispatcher?: { stop: () => void } };

/** The in-process dispatcher: polls every second and wakes at once when intake stores a delivery. */
export function startDispatcher(intervalMs = 1000): { stop: () => void } {
  if (holder.__patchbayDispatcher) return holder.__patchbayDispatcher;
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await processDueDeliveries();
      } while (again);
    } catch (error) {
      log.error("dispatcher pass failed", { error: (error as Error).message });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  dispatcherWake.on("wake", run);
  void run();
  holder.__patchbayDispatcher = {
    stop: () => {
      clearInterval(timer);
      dispatcherWake.off("wake", run);
      holder.__patchbayDispatcher = undefined;
    },
  };
  return holder.__patchbayDispatcher;
}
