import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, usingPostgres } from "@/db/client";
import { startNoticeRelay } from "@/db/notifications";
import { DEFAULT_WORKSPACE_ID, webhookDeliveries } from "@/db/schema";
import { createLocalUser } from "@/lib/auth/users";
import { env, resetEnvCache } from "@/lib/platform/env";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { forgetOldestDue, intakeHasPriority } from "@/lib/webhooks/dispatcher";
import { deliveryEvents, type DeliveryEvent } from "@/lib/webhooks/events";
import { handleIntake, intakeTarget } from "@/lib/webhooks/node-intake";
import { dispatcherWake, lastIntakeAt, wakeDispatcher, wakeForDeliveryElsewhere, WAKE_COALESCE_MS } from "@/lib/webhooks/wake";
import { githubHeaders, pushPayload } from "../support/signers";

const SECRET = "fast-path-secret";
let server: Server;
let base: string;

/** The server's intake fast path on a real socket, as server.ts mounts it (without Next behind it). */
beforeAll(async () => {
  await createLocalUser({ name: "Owner", email: "owner-fast@example.com", password: "a long enough password" }, "owner", true);
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.WEBHOOK_MAX_BYTES = String(32 * 1024);
  resetEnvCache();
  server = createServer((request, response) => {
    const target = intakeTarget(request.url);
    if (target) void handleIntake(request, response, target);
    else response.writeHead(418).end("not intake");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

/**
 * A second connection, which sees only committed rows: on SQLite a read-only one on the file (its
 * query runs synchronously, at the moment `sees` is called), on PostgreSQL what another process's would be.
 */
async function openObserver(): Promise<{ sees: (query: string, value: unknown) => Promise<boolean>; close: () => Promise<void> }> {
  if (usingPostgres()) {
    // A pool, not one client: the checks run concurrently, and a client takes one query at a time.
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    pool.on("error", () => {}); // an idle connection ended by the server; a query on it fails by itself
    return { sees: async (query, value) => ((await pool.query(query, [value])).rowCount ?? 0) > 0, close: () => pool.end() };
  }
  const observer = new Database(env().DATABASE_PATH, { readonly: true });
  return {
    sees: (query, value) => Promise.resolve(observer.prepare(query.replace("$1", "?")).get(value) !== undefined),
    close: async () => {
      observer.close();
    },
  };
}

describe("the intake fast path", () => {
  it("recognises intake URLs and nothing else", () => {
    expect(intakeTarget("/api/webhooks/github")).toEqual({ providerId: "github", endpointId: undefined });
    expect(intakeTarget("/api/webhooks/github/ep_1?x=1")).toEqual({ providerId: "github", endpointId: "ep_1" });
    expect(intakeTarget("/api/webhooks/a%20b/")).toEqual({ providerId: "a b", endpointId: undefined });
    expect(intakeTarget("/api/webhooks")).toBeUndefined();
    expect(intakeTarget("/api/webhooks/github/ep/extra")).toBeUndefined();
    expect(intakeTarget("/webhooks/github")).toBeUndefined();
  });

  it("stores a signed push before its 202, answers a redelivery as a duplicate, and refuses what it must", async () => {
    const body = pushPayload();
    const headers = await githubHeaders(SECRET, body, "push", "fast-1");
    const first = await fetch(`${base}/api/webhooks/github`, { method: "POST", body, headers });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: number };
    expect((await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]).toMatchObject({
      workspaceId: DEFAULT_WORKSPACE_ID, // the instance-wide URL delivers to the default workspace
      deliveryId: "fast-1",
      event: "push",
      status: "received",
      verified: true,
    });
    expect(first.headers.get("cache-control")).toBe("no-store");

    const again = await fetch(`${base}/api/webhooks/github`, { method: "POST", body, headers });
    expect(await again.json()).toEqual({ duplicate: true });
    expect(
      (await fetch(`${base}/api/webhooks/github`, { method: "POST", body, headers: { ...headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/api/webhooks/nowhere`, { method: "POST", body, headers })).status).toBe(404);
    const get = await fetch(`${base}/api/webhooks/github`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await fetch(`${base}/api/health`)).status).toBe(418);
  });

  it("reads a body that arrives in pieces whole, and keeps its headers as a Web Headers gives them", async () => {
    const body = pushPayload();
    const signed = await githubHeaders(SECRET, body, "push", "fast-pieces");
    // Raw header lines, so a header can repeat and names keep the sender's case.
    const lines = [
      "POST /api/webhooks/github HTTP/1.1",
      `Host: ${new URL(base).host}`,
      "Transfer-Encoding: chunked",
      ...Object.entries(signed).map(([name, value]) => `${name.toUpperCase()}: ${value}`),
      "X-Trace-Note: first",
      "x-trace-note: second",
      "Connection: close",
    ];
    const { createConnection } = await import("node:net");
    const socket = createConnection({ host: "127.0.0.1", port: Number(new URL(base).port) });
    const answer = new Promise<string>((resolve, reject) => {
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    const bytes = Buffer.from(body);
    const third = Math.ceil(bytes.length / 3);
    for (let start = 0; start < bytes.length; start += third) {
      const piece = bytes.subarray(start, start + third);
      socket.write(`${piece.length.toString(16)}\r\n`);
      socket.write(piece);
      socket.write("\r\n");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Not end(): a sender that half-closes its side may lose the answer; the server closes after it (Connection: close).
    socket.write("0\r\n\r\n");
    const text = await answer;
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 202 Accepted");
    const id = (JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { id: number }).id;
    const [stored] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(stored!.body).toBe(body);
    expect(stored!.bodyBytes).toBe(bytes.length);
    expect(stored!.headers["x-trace-note"]).toBe("first, second");
    expect(stored!.headers["x-hub-signature-256"]).toBe("[redacted]");
    expect(stored!.headers["x-github-delivery"]).toBe("fast-pieces");
  });

  it("commits deliveries arriving together, each announced and answered only once it is on disk", async () => {
    const body = pushPayload();
    const ids = [...Array.from({ length: 20 }, (_, index) => `together-${index}`), "together-0"];
    // A second connection sees only committed rows: each live-log announcement must find its row there.
    const observer = await openObserver();
    // Each delivery's first announcement is intake's; on a busy machine the dispatcher may already
    // announce "processing" for some, which are not what this test checks.
    const firstAnnouncements = new Map<number, Promise<boolean>>();
    const onDelivery = (event: DeliveryEvent) => {
      if (!firstAnnouncements.has(event.deliveryId))
        firstAnnouncements.set(event.deliveryId, observer.sees("select 1 from webhook_deliveries where id = $1", event.deliveryId));
    };
    deliveryEvents.on("delivery", onDelivery);
    await startNoticeRelay(); // on PostgreSQL announcements come back through LISTEN: listen before the first is sent
    try {
      const answers = await Promise.all(
        ids.map(async (id) => {
          const response = await fetch(`${base}/api/webhooks/github`, { method: "POST", body, headers: await githubHeaders(SECRET, body, "push", id) });
          const answer = (await response.json()) as { id?: number; duplicate?: boolean };
          // Answered means committed: the other connection sees the row already.
          return { status: response.status, answer, visible: await observer.sees("select 1 from webhook_deliveries where delivery_id = $1", id) };
        }),
      );
      expect(answers.filter((entry) => entry.status === 202)).toHaveLength(20);
      expect(answers.filter((entry) => entry.status === 200).map((entry) => entry.answer)).toEqual([{ duplicate: true }]);
      expect(answers.every((entry) => entry.visible)).toBe(true);
      // This test's deliveries only: on PostgreSQL a notice about an earlier test's delivery (its
      // row since removed) may still come back through LISTEN, and the last of ours may still be on
      // their way.
      const stored = answers.flatMap((entry) => (entry.status === 202 && entry.answer.id !== undefined ? [entry.answer.id] : []));
      expect(stored).toHaveLength(20);
      await vi.waitFor(() => expect(stored.filter((id) => !firstAnnouncements.has(id))).toEqual([]), { timeout: 5_000, interval: 20 });
      expect(await Promise.all(stored.map((id) => firstAnnouncements.get(id)!))).toEqual(Array.from({ length: 20 }, () => true));
      expect((await db().select().from(webhookDeliveries)).map((row) => row.deliveryId).sort()).toEqual(ids.slice(0, 20).sort());
    } finally {
      deliveryEvents.off("delivery", onDelivery);
      await observer.close();
    }
  });

  it("refuses a body over the cap by its Content-Length or while it streams, and logs the refusal", async () => {
    const big = "x".repeat(40 * 1024);
    expect((await fetch(`${base}/api/webhooks/github`, { method: "POST", body: big, headers: await githubHeaders(SECRET, big, "push", "big-1") })).status).toBe(
      413,
    );
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${base}/api/webhooks/github`,
        { method: "POST", headers: { "transfer-encoding": "chunked", "x-github-event": "push", "x-hub-signature-256": "sha256=00" } },
        (response) => resolve(response.statusCode!),
      );
      request.on("error", reject);
      for (let chunk = 0; chunk < 5; chunk++) request.write("y".repeat(10 * 1024));
      request.end();
    });
    expect(streamed).toBe(413);
    const refusals = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.status, "rejected"));
    expect(refusals.map((row) => row.reason)).toEqual([expect.stringContaining("WEBHOOK_MAX_BYTES"), expect.stringContaining("WEBHOOK_MAX_BYTES")]);
  });
});

describe("intake first", () => {
  it("coalesces a burst of wakes into one", async () => {
    let wakes = 0;
    const count = () => wakes++;
    dispatcherWake.on("wake", count);
    for (let index = 0; index < 50; index++) wakeDispatcher();
    await new Promise((resolve) => setTimeout(resolve, WAKE_COALESCE_MS * 3));
    dispatcherWake.off("wake", count);
    expect(wakes).toBe(1);
    expect(Date.now() - lastIntakeAt()).toBeLessThan(1000);
  });

  it("counts a delivery another process stored as intake too, so processing here gives way to a burst there", async () => {
    const before = Date.now() - 60_000;
    wakeDispatcher(before);
    expect(lastIntakeAt()).toBe(before);
    wakeForDeliveryElsewhere();
    expect(Date.now() - lastIntakeAt()).toBeLessThan(1000);
  });

  it("lets processing wait while deliveries arrive, but never past the longest delay", async () => {
    const now = Date.now();
    const deliver = (at: number) =>
      insertAccepted({
        workspaceId: DEFAULT_WORKSPACE_ID,
        providerId: "github",
        dedupeKey: `prio-${at}-${Math.random()}`,
        receivedAt: at,
        headers: {},
        body: "{}",
        bodyBytes: 2,
        verified: true,
        status: "received",
        nextAttemptAt: at,
      });
    forgetOldestDue();
    await deliver(now - 2_000);
    expect(await intakeHasPriority({ now, lastIntake: now - 10, quietMs: 250, maxDelayMs: 10_000 })).toBe(true);
    expect(await intakeHasPriority({ now, lastIntake: now - 500, quietMs: 250, maxDelayMs: 10_000 })).toBe(false);
    expect(await intakeHasPriority({ now, lastIntake: now - 10, quietMs: 250, maxDelayMs: 1_000 })).toBe(false);
    expect(await intakeHasPriority({ now, lastIntake: now - 10, quietMs: 250, maxDelayMs: 0 })).toBe(false);
  });

  it("keeps the oldest due delivery it read for a moment, but never waits past the longest delay for it", async () => {
    forgetOldestDue();
    const now = Date.now();
    await insertAccepted({
      workspaceId: DEFAULT_WORKSPACE_ID,
      providerId: "github",
      dedupeKey: `prio-kept-${Math.random()}`,
      receivedAt: now - 2_000,
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: true,
      status: "received",
      nextAttemptAt: now - 2_000,
    });
    expect(await intakeHasPriority({ now, lastIntake: now - 10, quietMs: 250, maxDelayMs: 2_500 })).toBe(true);
    // 600 ms on, within the time the answer is kept, the oldest has waited 2.6 s: processing goes ahead.
    expect(await intakeHasPriority({ now: now + 600, lastIntake: now + 590, quietMs: 250, maxDelayMs: 2_500 })).toBe(false);
  });
});
