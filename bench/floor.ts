/**
 * The floor for the intake bench: a minimal node:http server that does what Patchbay's intake
 * must do at the least, and nothing else: read the body with a cap, verify X-Hub-Signature-256
 * (HMAC-SHA256 over the raw bytes, constant-time compare), and insert one row into the app's own
 * webhook_deliveries table (same migrations, same pragmas as db/client.ts, same unique dedupe key),
 * committed on its own (one commit per request) before it answers 202. Run at synchronous=FULL it
 * is the floor at Patchbay's durability; at NORMAL (no fsync per commit) the ceiling without flushes.
 *
 *   node bench/floor.ts <port> <database path> <secret> <FULL|NORMAL> [max bytes]
 * Prints "listening <port>" when ready.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { startFloorServer } from "./floor-server.ts";

const [portArg, dbPath, secret, synchronous, maxArg] = process.argv.slice(2);
if (!portArg || !dbPath || !secret || (synchronous !== "FULL" && synchronous !== "NORMAL")) {
  console.error("usage: node bench/floor.ts <port> <database path> <secret> <FULL|NORMAL> [max bytes]");
  process.exit(2);
}
const maxBytes = Number(maxArg ?? 25 * 1024 * 1024);

mkdirSync(dirname(dbPath), { recursive: true });
const sqlite = new Database(dbPath);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma(`synchronous = ${synchronous}`);
sqlite.pragma("foreign_keys = ON");
sqlite.pragma("busy_timeout = 5000");
migrate(drizzle(sqlite), { migrationsFolder: join(import.meta.dirname, "..", "db", "migrations") });

const insert = sqlite.prepare(`
  insert into webhook_deliveries
    (workspace_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, next_attempt_at)
  values (?, null, 'github', ?, ?, ?, ?, ?, ?, ?, 1, 'received', ?)
  on conflict (dedupe_key) do nothing
  returning id`);

startFloorServer({
  port: Number(portArg),
  secret,
  maxBytes,
  // all(), stepping the statement to its end, so SQLite's automatic checkpoint runs as in any server (get() stops at the
  // returned row and resets it, skipping the checkpoint: the log then grew by gigabytes in a run, on tmpfs into memory).
  insert: (row) => (insert.all(...row) as { id: number }[])[0]?.id,
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    sqlite.close();
    process.exit(0);
  });
}
