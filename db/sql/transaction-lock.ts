import { sql } from "drizzle-orm";
import { rows, usingPostgres } from "../client";
import { currentTransaction } from "../postgres";

/**
 * Serialises the transactions that read something and then write on what they read (a count of
 * owners, a failure counter, "is there a row yet?"), per name, until the transaction ends.
 *
 * SQLite: nothing to do. Transactions take turns on the one connection, inside a BEGIN IMMEDIATE
 * (db/sqlite-commit.ts), so no other transaction runs while one does.
 * PostgreSQL: transactions run side by side (READ COMMITTED, in any number of processes), so two
 * could read the same count and both act on it. A transaction-scoped advisory lock on the name
 * makes the second wait for the first's COMMIT or ROLLBACK and then read what it wrote. Take the
 * lock before the reads it protects; several names in one transaction always in the same order.
 */
export async function lockForTransaction(name: string): Promise<void> {
  if (!usingPostgres()) return;
  if (!currentTransaction()) throw new Error("lockForTransaction must run inside transaction()");
  await rows(sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`);
}
