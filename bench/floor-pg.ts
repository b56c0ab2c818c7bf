/**
 * The PostgreSQL floor for the intake bench, bench/floor.ts's twin: a minimal node:http server
 * that reads the body with a cap, verifies X-Hub-Signature-256 (HMAC-SHA256 over the raw bytes,
 * constant-time compare), and inserts one row into the app's own webhook_deliveries table (a
 * database migrated with db/migrations-pg, same unique dedupe key) through a `pg` pool of
 * Patchbay's default size, each insert its own transaction, committed before it answers 202.
 * Several of these may run against one database, as several Patchbay processes do.
 *
 *   node bench/floor-pg.ts <port> <database url> <secret> [pool size] [max bytes]
 * Prints "listening <port>" when ready. Rows go to the default workspace (FLOOR_WORKSPACE), which the migrations create.
 */
import pg from "pg";
import { startFloorServer } from "./floor-server.ts";

const [portArg, databaseUrl, secret, poolArg, maxArg] = process.argv.slice(2);
if (!portArg || !databaseUrl || !secret) {
  console.error("usage: node bench/floor-pg.ts <port> <database url> <secret> [pool size] [max bytes]");
  process.exit(2);
}
const maxBytes = Number(maxArg ?? 25 * 1024 * 1024);
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(poolArg ?? 10), connectionTimeoutMillis: 10_000 });
pool.on("error", (error) => console.error(`floor-pg: a connection was lost: ${error.message}`));

const INSERT = {
  name: "floor-insert",
  text: `insert into webhook_deliveries
    (workspace_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, next_attempt_at)
  values ($1, null, 'github', $2, $3, $4, $5, $6, $7, $8, true, 'received', $9)
  on conflict (dedupe_key) do nothing
  returning id`,
};

const server = startFloorServer({
  port: Number(portArg),
  secret,
  maxBytes,
  insert: async (row) => (await pool.query<{ id: number }>({ ...INSERT, values: row })).rows[0]?.id,
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
