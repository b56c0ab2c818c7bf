import { db, usingPostgres } from "@/db/client";
import { outsideTransactions } from "@/db/sqlite-gate";

/**
 * dialect: returning the space of rows retention trimmed. Returns up to `maxPages` free pages to the file system (one short write: 256 pages took 10-30 ms
 * at a million rows, bench/retention.ts), when the database was
 * created with auto_vacuum = INCREMENTAL (new databases are; see db/client.ts). Older databases
 * reuse the freed pages for new rows instead, until `npm run db:vacuum` converts them once.
 * Runs only while no transaction is open: a vacuum step inside one would be rolled back with it.
 * On PostgreSQL there is nothing to do: autovacuum marks the space of the emptied bodies free and
 * new rows reuse it (the files do not shrink, as with an older SQLite database), so it returns 0.
 */
export async function reclaimSpace(maxPages = 256): Promise<number> {
  if (usingPostgres()) return 0;
  return outsideTransactions(() => {
    const client = db().$client;
    if (client.pragma("auto_vacuum", { simple: true }) !== 2) return 0;
    const before = client.pragma("freelist_count", { simple: true }) as number;
    client.pragma(`incremental_vacuum(${Math.min(before, maxPages)})`);
    return before - (client.pragma("freelist_count", { simple: true }) as number);
  });
}
