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
