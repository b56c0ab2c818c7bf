/**
 * The part of the intake floors (bench/floor.ts for SQLite, bench/floor-pg.ts for PostgreSQL) that
 * does not depend on the database: a minimal node:http server for POST /api/webhooks/github that
 * reads the body with a cap, verifies X-Hub-Signature-256 (HMAC-SHA256 over the raw bytes,
 * constant-time compare), and hands the delivery's row values to `insert`, answering 202 with the
 * new id, 200 for a duplicate dedupe key, or 500 when the insert fails. `insert` may answer at once
 * (SQLite's synchronous statement) or with a promise (PostgreSQL).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";

/** The row values in the order of both floors' insert: workspace, dedupe key, delivery id, event, received at, headers, body, bytes, next attempt at. */
export type FloorRow = [string, string, string, string, number, string, string, number, number];

/** Where the instance-wide URL delivers, as in Patchbay: the default workspace (DEFAULT_WORKSPACE_ID), which the migrations create. */
export const FLOOR_WORKSPACE = "default";

type Insert = (row: FloorRow) => number | undefined | Promise<number | undefined>;

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function answerStored(response: ServerResponse, id: number | undefined): void {
  if (id === undefined) answer(response, 200, '{"duplicate":true}');
  else answer(response, 202, `{"received":true,"id":${id}}`);
}

function refuseFailed(response: ServerResponse, error: unknown): void {
  console.error(`floor: insert failed: ${(error as Error).message}`);
  answer(response, 500, '{"error":"not stored"}');
}

export function startFloorServer({ port, secret, maxBytes, insert }: { port: number; secret: string; maxBytes: number; insert: Insert }): Server {
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
      const headers = JSON.stringify({
        "content-type": request.headers["content-type"],
        "x-github-event": request.headers["x-github-event"],
        "x-github-delivery": delivery,
      });
      const row: FloorRow = [
        FLOOR_WORKSPACE,
        `instance:github:${delivery}`,
        delivery,
        String(request.headers["x-github-event"] ?? ""),
        now,
        headers,
        body.toString("utf8"),
        body.length,
        now,
      ];
      let stored: ReturnType<Insert>;
      try {
        stored = insert(row);
      } catch (error) {
        return refuseFailed(response, error);
      }
      if (stored instanceof Promise)
        stored.then(
          (id) => answerStored(response, id),
          (error: unknown) => refuseFailed(response, error),
        );
      else answerStored(response, stored);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
  return server;
}
