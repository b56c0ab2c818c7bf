import { asc, eq, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import { db, execute, prepared, rows, transaction, usingPostgres } from "@/db/client";
import { insertTarget, jsonRecordset } from "./many-rows";
import { createGroupCommit, type GroupCommit, type WriteOptions } from "@/db/group-commit";
import { users, webhookDeliveries } from "@/db/schema";
import { notifyEachRow } from "@/db/notifications";
import { keptBriefly } from "@/lib/platform/kept-briefly";

/**
 * dialect: how webhook intake makes a delivery durable before it answers. Each promise resolves
 * after the commit holding its delivery:
 *   - SQLite: synchronous inserts run inside a group commit on the one connection
 *     (db/group-commit.ts), so deliveries arriving together share one transaction and one fsync;
 *   - PostgreSQL: accepted deliveries arriving together share one multi-row insert and its
 *     commit (batchedInserts, two batches in flight), which also sends the live pages' notices of
 *     the rows it stored; a refusal and its cap in one transaction.
 */
export type IntakeWriter = {
  /** The delivery's id, or undefined when its dedupe key was stored before (a redelivery). */
  accepted(delivery: NewDelivery): Promise<number | undefined>;
  /** Whether `accepted` sends the stored delivery's live-page notice itself (else the caller announces it after the promise resolves). */
  announcesAccepted: boolean;
  /** Stores a refusal at a known endpoint, keeping at most `cap` refusals per endpoint. */
  refusal(delivery: NewDelivery, cap: number): Promise<number>;
};

export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/** SQLite's batch policy: at most this many rows per transaction ... */
const BATCH_MAX_ROWS = 128;
/** ... and a batch waits at most this long, and only while `othersComing()` says more deliveries are being read. */
const BATCH_MAX_WAIT_MS = 2;

export function intakeWriter(othersComing: () => boolean): IntakeWriter {
  if (usingPostgres()) return { accepted: batchedInserts(), announcesAccepted: true, refusal: insertRefusalAwaited };
  const batches = new WeakMap<Database.Database, GroupCommit>();
  const inBatch = <T>(write: () => T, options?: WriteOptions): Promise<T> => {
    const client = db().$client;
    let batch = batches.get(client);
    if (!batch) batches.set(client, (batch = createGroupCommit(client, { maxRows: BATCH_MAX_ROWS, maxWaitMs: BATCH_MAX_WAIT_MS, othersComing })));
    return batch(write, options);
  };
  return {
    // One statement (the insert, with any trigger it fires): alone in its batch, it commits on its own.
    accepted: (delivery) => inBatch(() => insertAcceptedRow(delivery), { oneStatement: true }),
    announcesAccepted: false,
    refusal: (delivery, cap) => inBatch(() => insertRefusalRow(delivery, cap)),
  };
}

/** How long intake trusts the owner it read (another process may change people; the answer only gates instance-wide URLs). */
const OWNER_TTL_MS = 5000;
const instanceOwner = keptBriefly<string | undefined>("KeptInstanceOwner", OWNER_TTL_MS);

/**
 * The first owner: deliveries to the instance-wide webhook URLs are theirs. An owner found is kept
 * for OWNER_TTL_MS, and the requests arriving while it is read share that read, so a burst costs
 * one query rather than one per delivery (on SQLite a prepared statement, 3% of intake's time at 64
 * connections; on PostgreSQL a round trip); an instance without an owner is asked again every time
 * (the first sign-up must count at once).
 */
export async function instanceOwnerId(): Promise<string | undefined> {
  const id = await instanceOwner.get("", readInstanceOwner);
  if (id === undefined) instanceOwner.forget();
  return id;
}

/** The owner instanceOwnerId kept, while it is fresh: intake's hot path reads it without waiting a turn. Undefined: ask instanceOwnerId. */
export function keptInstanceOwnerId(): string | undefined {
  return instanceOwner.peek("")?.value;
}

async function readInstanceOwner(): Promise<string | undefined> {
  const owner = usingPostgres()
    ? (await db().select({ id: users.id }).from(users).where(eq(users.role, "owner")).orderBy(asc(users.createdAt)).limit(1))[0]
    : (prepared("select id from user where role = 'owner' order by created_at limit 1").get() as { id: string } | undefined);
  return owner?.id;
}

/**
 * Forgets the owner intake kept (lib/auth/users.ts, after removing a person or changing a role).
 * The kept id only tells intake the instance has an owner, which stays true (the last owner cannot
 * leave), so a stale one in another process does no harm until its OWNER_TTL_MS runs out.
 */
export function forgetInstanceOwner(): void {
  instanceOwner.forget();
}

/** PostgreSQL's intake batches: at most this many rows in one insert ... */
const PG_BATCH_MAX_ROWS = 256;
/** ... and at most this many inserts in flight at once (each on its own pooled connection). */
const PG_BATCHES_IN_FLIGHT = 2;

type PendingInsert = { delivery: NewDelivery; resolve: (id: number | undefined) => void; reject: (error: unknown) => void };

/** A stored delivery's live-page notice, as lib/webhooks/events.ts's DeliveryEvent, from the columns the insert returns. */
const DELIVERY_NOTICE = sql`json_build_object('workspaceId', workspace_id, 'deliveryId', id, 'status', status)`;

/**
 * PostgreSQL's group commit: deliveries arriving while an insert is in flight wait for it and then
 * go together, as one multi-row `insert ... on conflict (dedupe_key) do nothing returning id,
 * dedupe_key` in a transaction of its own, so a burst costs one statement, one round trip and one
 * commit (one WAL flush) per batch instead of per delivery. The same statement sends the stored
 * rows' live-page notices (they go out with its commit), where a notice statement per batch
 * doubled the transactions of a burst. Each promise settles after that
 * commit. A dedupe key twice in one batch: the first is inserted, the second answered as a
 * redelivery, as if they had come one after the other. A failed batch (a constraint, the server
 * gone) is retried one row at a time, so one bad row fails only its own delivery.
 */
function batchedInserts(): (delivery: NewDelivery) => Promise<number | undefined> {
  let queue: PendingInsert[] = [];
  let inFlight = 0;
  let scheduled = false;

  const pump = () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < PG_BATCHES_IN_FLIGHT) {
      const batch = queue.slice(0, PG_BATCH_MAX_ROWS);
      queue = queue.slice(batch.length);
      inFlight++;
      void insertBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return (delivery) =>
    new Promise((resolve, reject) => {
      queue.push({ delivery, resolve, reject });
      // The end of this turn of the event loop: what arrived together goes together.
      if (!scheduled && inFlight < PG_BATCHES_IN_FLIGHT) {
        scheduled = true;
        setImmediate(pump);
      }
    });
}

async function insertBatch(batch: PendingInsert[]): Promise<void> {
  const first = new Map<string, PendingInsert>();
  const repeats: PendingInsert[] = [];
  for (const pending of batch) {
    const key = pending.delivery.dedupeKey ?? "";
    if (first.has(key)) repeats.push(pending);
    else first.set(key, pending);
  }
  const unique = [...first.values()];
  try {
    // The rows as one JSON parameter (db/sql/many-rows.ts): drizzle built a batch's VALUES list at
    // about 100 us a row, a third of a core at 3,000 deliveries a second.
    const stored = await rows<{ id: number; dedupeKey: string | null }>(sql`
      with stored as (
        insert into ${sql.raw(insertTarget(webhookDeliveries, ACCEPTED_KEYS))} ${jsonRecordset(
          webhookDeliveries,
          ACCEPTED_KEYS,
          unique.map((pending) => pending.delivery),
        )}
        on conflict (dedupe_key) do nothing
        returning id, dedupe_key, workspace_id, status
      ),
      notified as (${notifyEachRow("delivery", "stored", DELIVERY_NOTICE)})
      select id, dedupe_key as "dedupeKey", (select count(*) from notified) as notices from stored`);
    const ids = new Map(stored.map((row) => [row.dedupeKey ?? "", row.id]));
    for (const pending of unique) pending.resolve(ids.get(pending.delivery.dedupeKey ?? ""));
    for (const pending of repeats) pending.resolve(undefined);
  } catch (error) {
    if (batch.length === 1) return batch[0]!.reject(error);
    // One row at a time: only the delivery that cannot be stored fails.
    for (const pending of batch) await insertBatch([pending]);
  }
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

const ACCEPTED_KEYS = [
  "workspaceId",
  "endpointId",
  "providerId",
  "dedupeKey",
  "deliveryId",
  "event",
  "action",
  "repository",
  "receivedAt",
  "headers",
  "body",
  "bodyBytes",
  "verified",
  "status",
  "nextAttemptAt",
  "traceParent",
] as const satisfies readonly (keyof NewDelivery)[];

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
  const c = acceptedColumns(delivery);
  // all(), not get(): SQLite checkpoints the write-ahead log when a statement steps to its end, and
  // get() resets a RETURNING statement after its first row, so a lone insert in autocommit (one
  // connection's deliveries) never checkpointed and the log grew by every delivery's pages.
  // Values by position: binding by name looks each of the 16 names up on an object for every row.
  const [row] = prepared(INSERT_ACCEPTED).all(
    c.workspaceId,
    c.endpointId,
    c.providerId,
    c.dedupeKey,
    c.deliveryId,
    c.event,
    c.action,
    c.repository,
    c.receivedAt,
    JSON.stringify(c.headers),
    c.body,
    c.bodyBytes,
    c.verified ? 1 : 0,
    c.status,
    c.nextAttemptAt,
    c.traceParent,
  ) as { id: number }[];
  return row?.id;
}

const INSERT_ACCEPTED = `
  insert into webhook_deliveries
    (workspace_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, action, repository, received_at, headers, body, body_bytes, verified, status, next_attempt_at, trace_parent)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
