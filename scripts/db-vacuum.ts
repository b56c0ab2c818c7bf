/**
 * npm run db:vacuum: converts a database created before retention existed to auto_vacuum =
 * INCREMENTAL, so retention can return freed pages to the file system, and merges the delivery
 * search index into one segment, dropping the entries of trimmed bodies at once (retention leaves
 * that to the index's ordinary merges; see db/migrations/0009). Rewrites the whole file once
 * (VACUUM): run it with the server stopped.
 */
import { closeDatabase, db } from "@/db/client";
import { env } from "@/lib/env";

const client = db().$client;
client.exec("INSERT INTO webhook_delivery_search(webhook_delivery_search) VALUES('optimize')");
client.pragma("auto_vacuum = INCREMENTAL");
client.exec("VACUUM");
console.log(`${env().DATABASE_PATH}: auto_vacuum is ${client.pragma("auto_vacuum", { simple: true }) === 2 ? "incremental" : "unchanged"}`);
await closeDatabase();
