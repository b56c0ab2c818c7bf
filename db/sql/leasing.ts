import { sql, type SQL } from "drizzle-orm";
import { usingPostgres } from "@/db/client";

/**
 * dialect: leasing. Ends the select that picks the rows to lease, run inside the transaction that
 * then marks them leased (the dispatcher's leaseDue, the outbox's leaseDueMessages):
 *   - PostgreSQL: `for update skip locked`: the rows returned stay locked until that transaction
 *     commits, and rows another process is leasing at this moment are skipped instead of waited
 *     for (or taken twice), so any number of processes lease side by side;
 *   - SQLite: nothing: transactions take turns on the process's one connection inside a BEGIN
 *     IMMEDIATE (db/sqlite-commit.ts), which holds the database's one write lock from the select
 *     to the commit, so select-then-update is already exclusive.
 */
export function forLease(): SQL {
  return usingPostgres() ? sql` for update skip locked` : sql``;
}

/**
 * dialect: leasing. How many of a worker's `slots` one lease takes (QueueWorker's leaseAtMost):
 *   - PostgreSQL: half. Attempts leased together go through the batched writes together and free
 *     their slots together; with one lease for every slot, the next lease, then the workflows,
 *     then the outcomes took turns, the database's processes or Node idle while the other worked.
 *     Two halves take turns instead, one leased or settling while the other runs;
 *   - SQLite: all. The database's work runs on this process's one connection, with nothing to
 *     overlap it with, and one lease's larger batches are cheaper.
 * Measured with bench/processing.ts (docs/performance.md, "Processing throughput").
 */
export function leaseSize(slots: number): number {
  return usingPostgres() ? Math.ceil(slots / 2) : slots;
}
