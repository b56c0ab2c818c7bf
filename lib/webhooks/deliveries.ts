import "server-only";
import { sql } from "drizzle-orm";
import { db, execute, prepared, transaction, usingPostgres } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/env";
import { announce } from "./events";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/**
 * Stores an accepted delivery and tells open log viewers. Returns its id, or undefined when the
 * same (endpoint, hook id, delivery id) was stored before: a redelivery, which is acknowledged but
 * not processed again. Committed on its own; intake batches `insertAcceptedRow` instead.
 */
export async function insertAccepted(delivery: NewDelivery): Promise<number | undefined> {
  const id = await insertAcceptedAwaited(delivery);
  if (id !== undefined) announce({ userId: delivery.userId, deliveryId: id, status: delivery.status });
  return id;
}

/** The insert through drizzle, awaited: `on conflict (dedupe_key) do nothing returning id`, in either dialect. */
async function insertAcceptedAwaited(delivery: NewDelivery): Promise<number | undefined> {
  const [row] = await db()
    .insert(webhookDeliveries)
    .values({
      userId: delivery.userId,
      endpointId: delivery.endpointId ?? null,
      providerId: delivery.providerId,
      dedupeKey: delivery.dedupeKey ?? null,
      deliveryId: delivery.deliveryId ?? null,
      event: delivery.event ?? null,
      action: delivery.action ?? null,
      repository: delivery.repository ?? null,
      receivedAt: delivery.receivedAt,
      headers: delivery.headers,
      body: delivery.body,
      bodyBytes: delivery.bodyBytes,
      verified: delivery.verified,
      status: delivery.status,
      nextAttemptAt: delivery.nextAttemptAt ?? null,
    })
    .onConflictDoNothing({ target: webhookDeliveries.dedupeKey })
    .returning({ id: webhookDeliveries.id });
  return row?.id;
}

/**
 * The insert alone, for a caller that commits it (intake's group commit, db/group-commit.ts) and
 * announces it afterwards. Synchronous: it runs inside the batch's synchronous flush.
 */
export function insertAcceptedRow(delivery: NewDelivery): number | undefined {
  // A statement prepared once: this runs for every delivery, and drizzle would build and prepare it each time.
  const row = prepared(INSERT_ACCEPTED).get({
    userId: delivery.userId,
    endpointId: delivery.endpointId ?? null,
    providerId: delivery.providerId,
    dedupeKey: delivery.dedupeKey ?? null,
    deliveryId: delivery.deliveryId ?? null,
    event: delivery.event ?? null,
    action: delivery.action ?? null,
    repository: delivery.repository ?? null,
    receivedAt: delivery.receivedAt,
    headers: JSON.stringify(delivery.headers),
    body: delivery.body,
    bodyBytes: delivery.bodyBytes,
    verified: delivery.verified ? 1 : 0,
    status: delivery.status,
    nextAttemptAt: delivery.nextAttemptAt ?? null,
  }) as { id: number } | undefined;
  return row?.id;
}

const INSERT_ACCEPTED = `
  insert into webhook_deliveries
    (user_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, action, repository, received_at, headers, body, body_bytes, verified, status, next_attempt_at)
  values
    (@userId, @endpointId, @providerId, @dedupeKey, @deliveryId, @event, @action, @repository, @receivedAt, @headers, @body, @bodyBytes, @verified, @status, @nextAttemptAt)
  on conflict (dedupe_key) do nothing
  returning id`;

/**
 * Stores a refusal at a known endpoint, keeping at most WEBHOOK_REJECTED_CAP of them per endpoint.
 * Runs inside the caller's transaction (intake's batch); the caller announces it after the commit.
 * Synchronous like insertAcceptedRow: it runs inside the group commit's synchronous flush.
 */
export function insertRefusalRow(delivery: NewDelivery): number {
  const database = db();
  const row = database.insert(webhookDeliveries).values(delivery).returning({ id: webhookDeliveries.id }).get();
  database.run(sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries
      where endpoint_id is ${delivery.endpointId ?? null} and provider_id = ${delivery.providerId} and status = 'rejected'
      order by id desc limit -1 offset ${env().WEBHOOK_REJECTED_CAP}
    )`);
  return row.id;
}

/**
 * How intake stores a delivery, per dialect (the caller announces it once this resolves, i.e. after
 * the commit, and only then answers the sender):
 *   - SQLite: the synchronous row inserts above, run inside intake's group commit (`inBatch`,
 *     db/group-commit.ts), so deliveries arriving together share one transaction and one fsync;
 *   - PostgreSQL: each delivery awaits its own commit (concurrent commits already share WAL
 *     flushes there): the accepted insert on its own, the refusal and its cap in one transaction.
 */
export const storeDelivery = {
  accepted(delivery: NewDelivery, inBatch: <T>(write: () => T) => Promise<T>): Promise<number | undefined> {
    return usingPostgres() ? insertAcceptedAwaited(delivery) : inBatch(() => insertAcceptedRow(delivery));
  },
  refusal(delivery: NewDelivery, inBatch: <T>(write: () => T) => Promise<T>): Promise<number> {
    return usingPostgres() ? insertRefusalAwaited(delivery) : inBatch(() => insertRefusalRow(delivery));
  },
};

/** PostgreSQL's insertRefusalRow: the same insert and cap (`offset n` without SQLite's `limit -1`), awaited in one transaction. */
async function insertRefusalAwaited(delivery: NewDelivery): Promise<number> {
  return transaction(async (tx) => {
    const [row] = await tx.insert(webhookDeliveries).values(delivery).returning({ id: webhookDeliveries.id });
    await execute(sql`
      delete from webhook_deliveries where id in (
        select id from webhook_deliveries
        where endpoint_id is not distinct from ${delivery.endpointId ?? null} and provider_id = ${delivery.providerId} and status = 'rejected'
        order by id desc offset ${env().WEBHOOK_REJECTED_CAP}
      )`);
    return row!.id;
  });
}
