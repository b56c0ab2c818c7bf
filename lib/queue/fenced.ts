import "server-only";
import { affectedRows, transaction, type Db } from "@/db/client";

/**
 * Leases in one transaction that locks what it selects (db/sql/leasing.ts), so two workers, in one
 * process or several, never take the same row: `take` picks the due rows and marks them leased,
 * counting the attempt; the rows taken are then read whole with `load`.
 */
export async function leaseRows<Id, T>(take: (tx: Db) => Promise<Id[]>, load: (ids: Id[]) => Promise<T[]>): Promise<T[]> {
  const ids = await transaction(take);
  if (ids.length === 0) return [];
  return load(ids);
}

/**
 * Records an attempt's result fenced by the attempt number its lease counted: `settle` moves the
 * item on only while it is still leased to that attempt, and only then is the attempt row written.
 * When the lease ran out (a stalled process) and another worker took the item over, that one
 * recorded this attempt as interrupted and owns the item now: false, and nothing is recorded,
 * instead of finishing the item twice.
 */
export function recordFenced(settle: (tx: Db) => Promise<unknown>, writeAttempt: (tx: Db) => Promise<unknown>): Promise<boolean> {
  return transaction(async (tx) => {
    if (affectedRows(await settle(tx)) === 0) return false;
    await writeAttempt(tx);
    return true;
  });
}
