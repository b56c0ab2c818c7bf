import { asc, eq, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import { db, execute, prepared, transaction, usingPostgres } from "@/db/client";
import { createGroupCommit, type GroupCommit } from "@/db/group-commit";
import { users, webhookDeliveries } from "@/db/schema";

/**
 * dialect: how webhook intake makes a delivery durable before it answers. The caller announces a
 * stored delivery once the promise resolves, i.e. after the commit holding it:
 *   - SQLite: synchronous inserts run inside a group commit on the one connection
 *     (db/group-commit.ts), so deliveries arriving together share one transaction and one fsync;
 *   - PostgreSQL: each delivery awaits its own commit (concurrent commits already share WAL
 *     flushes there): the accepted insert on its own, a refusal and its cap in one transaction.
 */
export type IntakeWriter = {
  /** The delivery's id, or undefined when its dedupe key was stored before (a redelivery). */
  accepted(delivery: NewDelivery): Promise<number | undefined>;
  /** Stores a refusal at a known endpoint, keeping at most `cap` refusals per endpoint. */
  refusal(delivery: NewDelivery, cap: number): Promise<number>;
};

export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/** SQLite's batch policy: at most this many rows per transaction ... */
const BATCH_MAX_ROWS = 128;
/** ... and a batch waits at most this long, and only while `othersComing()` says more deliveries are being read. */
const BATCH_MAX_WAIT_MS = 2;

export function intakeWriter(othersComing: () => boolean): IntakeWriter {
  if (usingPostgres()) return { accepted: insertAcceptedAwaited, refusal: insertRefusalAwaited };
  const batches = new WeakMap<Database.Database, GroupCommit>();
  const inBatch = <T>(write: () => T): Promise<T> => {
    const client = db().$client;
    let batch = batches.get(client);
    if (!batch) batches.set(client, (batch = createGroupCommit(client, { maxRows: BATCH_MAX_ROWS, maxWaitMs: BATCH_MAX_WAIT_MS, othersComing })));
    return batch(write);
  };
  return {
    accepted: (delivery) => inBatch(() => insertAcceptedRow(delivery)),
    refusal: (delivery, cap) => inBatch(() => insertRefusalRow(delivery, cap)),
  };
}

/**
 * The first owner: deliveries to the instance-wide webhook URLs are theirs. Read for every such
 * delivery: on SQLite through a statement prepared once, on PostgreSQL an awaited query.
 */
export async function instanceOwnerId(): Promise<string | undefined> {
  if (usingPostgres()) {
    const [owner] = await db().select({ id: users.id }).from(users).where(eq(users.role, "owner")).orderBy(asc(users.createdAt)).limit(1);
    return owner?.id;
  }
  return (prepared("select id from user where role = 'owner' order by created_at limit 1").get() as { id: string } | undefined)?.id;
}

/** The insert through drizzle, awaited: `on conflict (dedupe_key) do nothing returning id`, in either dialect. */
export async function insertAcceptedAwaited(delivery: NewDelivery): Promise<number | undefined> {
  const [row] = await db()
    .insert(webhookDeliveries)
    .values(acceptedColumns(delivery))
    .onConflictDoNothing({ target: webhookDeliveries.dedupeKey })
    .returning({ id: webhookDeliveries.id });
  return row?.id;
}

function acceptedColumns(delivery: NewDelivery) {
  return {
    workspaceId: delivery.workspaceId,
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
    traceParent: delivery.traceParent ?? null,
  };
}

/**
 * SQLite: the insert alone, for a caller that commits it (intake's group commit) and announces it
 * afterwards. Synchronous: it runs inside the batch's synchronous flush. A statement prepared
 * once: this runs for every delivery, and drizzle would build and prepare it each time.
 */
export function insertAcceptedRow(delivery: NewDelivery): number | undefined {
  const columns = acceptedColumns(delivery);
  const row = prepared(INSERT_ACCEPTED).get({ ...columns, headers: JSON.stringify(columns.headers), verified: columns.verified ? 1 : 0 }) as
    { id: number } | undefined;
  return row?.id;
}

const INSERT_ACCEPTED = `
  insert into webhook_deliveries
    (workspace_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, action, repository, received_at, headers, body, body_bytes, verified, status, next_attempt_at, trace_parent)
  values
    (@workspaceId, @endpointId, @providerId, @dedupeKey, @deliveryId, @event, @action, @repository, @receivedAt, @headers, @body, @bodyBytes, @verified, @status, @nextAttemptAt, @traceParent)
  on conflict (dedupe_key) do nothing
  returning id`;

/** SQLite: a refusal and its cap, synchronous like insertAcceptedRow (inside the batch's transaction). */
function insertRefusalRow(delivery: NewDelivery, cap: number): number {
  const database = db();
  const row = database.insert(webhookDeliveries).values(delivery).returning({ id: webhookDeliveries.id }).get();
  database.run(sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries
      where endpoint_id is ${delivery.endpointId ?? null} and provider_id = ${delivery.providerId} and status = 'rejected'
      order by id desc limit -1 offset ${cap}
    )`);
  return row.id;
}

/** PostgreSQL: the same insert and cap (`offset n` without SQLite's `limit -1`), awaited in one transaction. */
async function insertRefusalAwaited(delivery: NewDelivery, cap: number): Promise<number> {
  return transaction(async (tx) => {
    const [row] = await tx.insert(webhookDeliveries).values(delivery).returning({ id: webhookDeliveries.id });
    await execute(sql`
      delete from webhook_deliveries where id in (
        select id from webhook_deliveries
        where endpoint_id is not distinct from ${delivery.endpointId ?? null} and provider_id = ${delivery.providerId} and status = 'rejected'
        order by id desc offset ${cap}
      )`);
    return row!.id;
  });
}
