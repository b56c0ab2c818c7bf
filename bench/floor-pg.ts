/**
 * The PostgreSQL floor for the intake bench, bench/floor.ts's twin: a minimal node:http server
 * that reads the body with a cap, verifies X-Hub-Signature-256 (HMAC-SHA256 over the raw bytes,
 * constant-time compare), and inserts one row into the app's own webhook_deliveries table (a
 * database migrated with db/migrations-pg, same unique dedupe key) through a `pg` pool of
 * Patchbay's default size, each insert its own transaction, committed before it answers 202.
 * Several of these may run against one database, as several Patchbay processes do.
 *
 *   node bench/floor-pg.ts <port> <database url> <secret> [pool size] [max bytes]
 * Prints "listening <port>" when ready. The owner row 'floor-owner' must exist (bench/intake-pg.ts makes it).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import pg from "pg";

const [portArg, databaseUrl, secret, poolArg, maxArg] = process.argv.slice(2);
if (!portArg || !databaseUrl || !secret) {
  console.error("usage: node bench/floor-pg.ts <port> <database url> <secret> [pool size] [max bytes]");
  process.exit(2);
}
const maxBytes = Number(maxArg ?? 25 * 1024 * 1024);
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(poolArg ?? 10), connectionTimeoutMillis: 10_000 });
pool.on("error", (error) => console.error(`floor-pg: a connection was lost: ${error.message}`));

const ownerId = "floor-owner";
const INSERT = {
  name: "floor-insert",
  text: `insert into webhook_deliveries
    (user_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, next_attempt_at)
  values ($1, null, 'github', $2, $3, $4, $5, $6, $7, $8, true, 'received', $9)
  on conflict (dedupe_key) do nothing
  returning id`,
};

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

async function store(request: import("node:http").IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  const delivery = String(request.headers["x-github-delivery"] ?? "");
  const now = Date.now();
  const headers = JSON.stringify({ "content-type": request.headers["content-type"], "x-github-event": request.headers["x-github-event"], "x-github-delivery": delivery });
  const values = [ownerId, `instance:github:${delivery}`, delivery, String(request.headers["x-github-event"] ?? ""), now, headers, body.toString("utf8"), body.length, now];
  try {
    const { rows } = await pool.query<{ id: number }>({ ...INSERT, values });
    if (rows.length === 0) return answer(response, 200, '{"duplicate":true}');
    answer(response, 202, `{"received":true,"id":${rows[0]!.id}}`);
  } catch (error) {
    console.error(`floor-pg: insert failed: ${(error as Error).message}`);
    answer(response, 500, '{"error":"not stored"}');
  }
}

const server = createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/api/webhooks/github") return answer(response, 404, '{"error":"not found"}');
  const chunks: Buffer[] = [];
  let total = 0;
  let refused = false;
  request.on("data", (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes && !refused) {
      refused = true;
      answer(response, 413, '{"error":"too large"}');
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on("end", () => {
    if (refused) return;
    const body = Buffer.concat(chunks);
    const signature = request.headers["x-hub-signature-256"];
    if (typeof signature !== "string") return answer(response, 400, '{"error":"missing signature"}');
    const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(response, 401, '{"error":"bad signature"}');
    void store(request, body, response);
  });
});

server.keepAliveTimeout = 10_000;
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${portArg}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
