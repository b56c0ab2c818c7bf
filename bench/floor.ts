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
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

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

const ownerId = "floor-owner";
sqlite.prepare("insert or ignore into user (id, name, email, role) values (?, 'Floor', 'floor@example.com', 'owner')").run(ownerId);

const insert = sqlite.prepare(`
  insert into webhook_deliveries
    (user_id, endpoint_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, next_attempt_at)
  values (?, null, 'github', ?, ?, ?, ?, ?, ?, ?, 1, 'received', ?)
  on conflict (dedupe_key) do nothing
  returning id`);

function answer(response: import("node:http").ServerResponse, status: number, body: string) {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
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
    const delivery = String(request.headers["x-github-delivery"] ?? "");
    const now = Date.now();
    const headers = JSON.stringify({ "content-type": request.headers["content-type"], "x-github-event": request.headers["x-github-event"], "x-github-delivery": delivery });
    const row = insert.get(ownerId, `instance:github:${delivery}`, delivery, String(request.headers["x-github-event"] ?? ""), now, headers, body.toString("utf8"), body.length, now) as { id: number } | undefined;
    if (!row) return answer(response, 200, '{"duplicate":true}');
    answer(response, 202, `{"received":true,"id":${row.id}}`);
  });
});

server.keepAliveTimeout = 10_000;
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${portArg}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    sqlite.close();
    process.exit(0);
  });
}
