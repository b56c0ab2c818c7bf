/**
 * npm run db:vacuum. SQLite: converts a database created before retention existed to auto_vacuum =
 * INCREMENTAL, so retention can return freed pages to the file system, and merges the delivery
 * search index into one segment, dropping the entries of trimmed bodies at once (retention leaves
 * that to the index's ordinary merges; see db/migrations/0009). Rewrites the whole file once
 * (VACUUM): run it with the server stopped. PostgreSQL: autovacuum already reuses the space;
 * this runs VACUUM (ANALYZE) on the whole database now (safe while Patchbay runs; it does not
 * shrink the files: that is VACUUM FULL, which locks each table while it rewrites it).
 */
import { sql } from "drizzle-orm";
import { closeDatabase, databaseReady, db, execute, usingPostgres } from "@/db/client";
import { env } from "@/lib/platform/env";

await databaseReady();
if (usingPostgres()) {
  await execute(sql`vacuum (analyze)`);
  console.log("PostgreSQL: VACUUM (ANALYZE) done; autovacuum keeps reusing freed space between runs");
} else {
  const client = db().$client;
  client.exec("INSERT INTO webhook_delivery_search(webhook_delivery_search) VALUES('optimize')");
  client.pragma("auto_vacuum = INCREMENTAL");
  client.exec("VACUUM");
  console.log(`${env().DATABASE_PATH}: auto_vacuum is ${client.pragma("auto_vacuum", { simple: true }) === 2 ? "incremental" : "unchanged"}`);
}
await closeDatabase();
