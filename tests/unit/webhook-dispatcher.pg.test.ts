import { asc, eq, sql } from "drizzle-orm";
import pg from "pg";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, rows, usingPostgres } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { createLocalUser } from "@/lib/auth/users";
import { resetEnvCache } from "@/lib/platform/env";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { startNoticeRelay } from "@/db/notifications";
import {
  cancelRetries,
  INTERRUPTED,
  LEASE_MS,
  leaseDue,
  processDueDeliveries,
  requestReplay,
  retryDelayMs,
  retryNow,
  wakeOnDeliveriesElsewhere,
} from "@/lib/webhooks/dispatcher";
import { PermanentDeliveryError } from "@/lib/webhooks/handlers";
import { handleDelivery } from "@/lib/webhooks/webhook-trigger";
import { dispatcherWake, wakeDispatcher } from "@/lib/webhooks/wake";
import { pushPayload } from "../support/signers";

/** Deliveries to the instance-wide URL: the default workspace's, which the instance's owner owns. */
const workspaceId = DEFAULT_WORKSPACE_ID;
let sequence = 0;

/** A delivery no automation matches (the shipped ones take push and pull_request): these tests are about the queue, not what runs. */
async function deliver(event = "ping", receivedAt = Date.now()): Promise<number> {
  sequence++;
  return (await insertAccepted({
    workspaceId,
    providerId: "github",
    dedupeKey: `test:${sequence}`,
    deliveryId: `delivery-${sequence}`,
    event,
    receivedAt,
    headers: {},
    body: pushPayload(),
    bodyBytes: 100,
    verified: true,
    status: "received",
    nextAttemptAt: receivedAt,
  }))!;
}

const delivery = async (id: number) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
const attempts = (id: number) => db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(asc(webhookAttempts.number));

beforeAll(async () => {
  await createLocalUser({ name: "D", email: "dispatcher@example.com", password: "a long enough password" }, "owner", true);
  process.env.WEBHOOK_RETRY_SCHEDULE = "5,300,1800";
  resetEnvCache();
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the dispatcher", () => {
  it("processes received deliveries with the workspace's automations and records each attempt", async () => {
    const ping = await deliver("ping");
    const issues = await deliver("issues");
    expect(await processDueDeliveries()).toBe(2);
    expect(await delivery(ping)).toMatchObject({ status: "processed", attempts: 1, leaseUntil: null, lastError: null, workflowRunId: null });
    expect(await attempts(ping)).toMatchObject([
      { number: 1, trigger: "automatic", outcome: "processed", note: "No automation matches this event; it was recorded." },
    ]);
    expect((await attempts(issues))[0]!.note).toBe("No automation matches this event; it was recorded.");
    expect(await processDueDeliveries()).toBe(0);
  });

  it("fails a delivery at once, without retries, on a permanent error", async () => {
    const handle = async () => {
      throw new PermanentDeliveryError("The payload cannot be parsed: Unexpected token");
    };
    const id = await deliver("push");
    await processDueDeliveries({ handle });
    expect(await delivery(id)).toMatchObject({
      status: "failed",
      attempts: 1,
      nextAttemptAt: null,
      lastError: "The payload cannot be parsed: Unexpected token",
    });
    expect(await attempts(id)).toMatchObject([{ outcome: "failed", error: "The payload cannot be parsed: Unexpected token" }]);
  });

  it("retries a failing handler on the schedule, then marks the delivery failed", async () => {
    const id = await deliver();
    let clock = Date.now();
    const now = () => clock;
    const failing = async () => {
      throw new Error("downstream said 503");
    };
    await processDueDeliveries({ handle: failing, now });
    let row = await delivery(id);
    expect(row).toMatchObject({ status: "retrying", attempts: 1, lastError: "downstream said 503" });
    expect(row.nextAttemptAt! - clock).toBeGreaterThanOrEqual(4000);
    expect(row.nextAttemptAt! - clock).toBeLessThanOrEqual(6000);

    expect(await processDueDeliveries({ handle: failing, now })).toBe(0); // not due yet
    for (const wait of [6_000, 360_000, 2_160_000]) {
      clock += wait;
      expect(await processDueDeliveries({ handle: failing, now })).toBe(1);
    }
    row = await delivery(id);
    expect(row).toMatchObject({ status: "failed", attempts: 4, nextAttemptAt: null });
    expect((await attempts(id)).map((attempt) => [attempt.trigger, attempt.outcome])).toEqual([
      ["automatic", "failed"],
      ["retry", "failed"],
      ["retry", "failed"],
      ["retry", "failed"],
    ]);
  });

  it("lets a person retry a retrying delivery now, or cancel its retries so it ends as failed", async () => {
    const first = await deliver();
    const second = await deliver();
    const clock = Date.now(); // after both arrived, so both are due
    const now = () => clock;
    const failing = async () => {
      throw new Error("downstream said 503");
    };
    await processDueDeliveries({ handle: failing, now });
    expect(await delivery(first)).toMatchObject({ status: "retrying", attempts: 1 });

    expect(await retryNow(workspaceId, first, clock)).toBe(true);
    expect(await retryNow("someone-else", second, clock)).toBe(false);
    expect(await processDueDeliveries({ handle: async () => ({}), now })).toBe(1); // only the one brought forward
    expect(await delivery(first)).toMatchObject({ status: "processed", attempts: 2, nextAttemptAt: null });
    expect((await attempts(first)).map((attempt) => attempt.trigger)).toEqual(["automatic", "retry"]);

    expect(await cancelRetries("someone-else", second)).toBe(false);
    expect(await cancelRetries(workspaceId, second)).toBe(true);
    expect(await delivery(second)).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null, lastError: "downstream said 503" });
    expect(await cancelRetries(workspaceId, second)).toBe(false); // no longer retrying
    expect(await retryNow(workspaceId, second, clock)).toBe(false);
  });

  it("puts a delivery into the search index when it is first taken (PostgreSQL: once settled), with its payload", async () => {
    const id = await deliver();
    // SQLite: the FTS5 table's rows; PostgreSQL: the rows the partial trigram index holds (its predicate, migrations-pg/0021).
    const indexed = async (): Promise<number[]> =>
      usingPostgres()
        ? (
            await rows<{ id: number }>(
              sql`select id as "id" from webhook_deliveries where status not in ('received', 'processing') and body ilike ${"%commit number 0%"}`,
            )
          ).map((row) => row.id)
        : (db()
            .$client.prepare("select rowid from webhook_delivery_search where webhook_delivery_search match ?")
            .pluck()
            .all('"commit number 0"') as number[]);
    expect(await indexed()).not.toContain(id);
    await processDueDeliveries({ handle: async () => ({}) });
    expect(await indexed()).toContain(id);
    expect(await requestReplay(workspaceId, [id])).toBe(1);
    await processDueDeliveries({ handle: async () => ({}) }); // a replay does not index it twice
    expect((await indexed()).filter((rowid) => rowid === id)).toHaveLength(1);
    await db().delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(await indexed()).not.toContain(id);
  });

  it("uses Svix-like delays with jitter", () => {
    const schedule = [5, 300, 1800];
    expect(retryDelayMs(1, schedule, () => 0.5)).toBe(5000);
    expect(retryDelayMs(2, schedule, () => 0)).toBe(240_000);
    expect(retryDelayMs(3, schedule, () => 1)).toBe(2_160_000);
    expect(retryDelayMs(4, schedule, () => 0.5)).toBeUndefined();
  });

  it("resumes after a crash: an expired lease is taken again, a live one is not, and the lost attempt is recorded", async () => {
    const id = await deliver();
    const start = Date.now();
    const [leased] = await leaseDue(start); // a process takes it ... and dies before finishing
    expect(leased!.id).toBe(id);
    expect((await delivery(id)).status).toBe("processing");
    expect(await leaseDue(start + 1000)).toHaveLength(0); // lease still held
    expect(await attempts(id)).toHaveLength(0);
    expect(await processDueDeliveries({ now: () => start + LEASE_MS + 1 })).toBe(1);
    expect(await delivery(id)).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(await attempts(id)).toMatchObject([
      { number: 1, trigger: "automatic", outcome: "failed", error: INTERRUPTED, startedAt: start },
      { number: 2, trigger: "retry", outcome: "processed", error: null },
    ]);
  });

  it("drops the late result of a dispatcher whose lease ran out and was taken over", async () => {
    const id = await deliver();
    const start = Date.now();
    const leaseMs = 1000;
    let release!: () => void;
    // A stalled dispatcher: its clock stands still, so its renewals never reach past start + leaseMs.
    const stalled = processDueDeliveries({
      handle: () => new Promise((resolve) => (release = () => resolve({ error: "late and stale" }))),
      now: () => start,
      leaseMs,
      pollMs: 20,
    });
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 2_000, interval: 10 });
    expect(await processDueDeliveries({ handle: async () => ({ note: "taken over" }), now: () => start + leaseMs + 1, leaseMs })).toBe(1);
    release();
    expect(await stalled).toBe(1);
    expect(await delivery(id)).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(await attempts(id)).toMatchObject([
      { number: 1, outcome: "failed", error: INTERRUPTED },
      { number: 2, outcome: "processed", note: "taken over" },
    ]);
  });

  it("renews the lease while a long handler runs, so no other dispatcher takes the delivery over", async () => {
    const id = await deliver();
    const leaseMs = 150;
    // The dispatcher's clock is ours: the renewal timer is real, but what it writes is judged on this
    // clock, so a busy machine that runs the timer late cannot make the lease look lapsed.
    let clock = Date.now();
    let release!: () => void;
    const slow = (row: { id: number }) => new Promise<{ note: string }>((resolve) => (release = () => resolve({ note: `done ${row.id}` })));
    // No poll in the test's window: only the renewal timer runs while the handler is held.
    const running = processDueDeliveries({ handle: slow, now: () => clock, leaseMs, pollMs: 60_000 });
    await vi.waitFor(async () => expect((await delivery(id)).leaseUntil).not.toBeNull(), { timeout: 5_000, interval: 10 });
    expect((await delivery(id)).leaseUntil).toBe(clock + leaseMs);
    clock += leaseMs * 3; // well past the first lease
    // A renewal after the clock moved holds the delivery past the new time.
    await vi.waitFor(async () => expect((await delivery(id)).leaseUntil!).toBeGreaterThan(clock), { timeout: 5_000, interval: 10 });
    expect(await leaseDue(clock, 16, leaseMs)).toHaveLength(0); // a second dispatcher finds it still held
    release();
    expect(await running).toBe(1);
    expect(await delivery(id)).toMatchObject({ status: "processed", attempts: 1, leaseUntil: null });
    expect(await attempts(id)).toHaveLength(1);
  });

  it("never leases again a delivery it is still running, even once its lease has lapsed", async () => {
    const id = await deliver();
    let calls = 0;
    let release!: () => void;
    const held = () => {
      calls++;
      return new Promise<{ note?: string }>((resolve) => (release = () => resolve({})));
    };
    const running = processDueDeliveries({ handle: held, leaseMs: 60_000, pollMs: 10 });
    await vi.waitFor(() => expect(calls).toBe(1), { timeout: 5_000, interval: 10 });
    // The lease lapses while the attempt still runs (a renewal late on a busy machine).
    await db()
      .update(webhookDeliveries)
      .set({ leaseUntil: Date.now() - 1_000 })
      .where(eq(webhookDeliveries.id, id));
    expect(await leaseDue(Date.now(), 16, 60_000, [id])).toEqual([]);
    await sleep(200); // many polls
    release();
    expect(await running).toBe(1);
    expect(calls).toBe(1);
    expect(await delivery(id)).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("picks up new deliveries while a slow one is still running", async () => {
    const slowId = await deliver();
    let release!: () => void;
    const seen: number[] = [];
    const handle = (row: { id: number }) => {
      seen.push(row.id);
      return row.id === slowId ? new Promise<{ note?: string }>((resolve) => (release = () => resolve({}))) : Promise.resolve({});
    };
    const running = processDueDeliveries({ handle, pollMs: 5_000 });
    await sleep(20);
    const fastId = await deliver();
    wakeDispatcher();
    // Well before the next poll (5 s): the wake leased it beside the slow one (bounded, not a fixed sleep, for a loaded PostgreSQL).
    await vi.waitFor(async () => expect((await delivery(fastId)).status).toBe("processed"), { timeout: 2_000, interval: 10 });
    expect(seen).toEqual([slowId, fastId]);
    expect((await delivery(slowId)).status).toBe("processing");
    release();
    expect(await running).toBe(2);
  });

  it("never lets two dispatchers take the same delivery", async () => {
    for (let index = 0; index < 20; index++) await deliver();
    const seen: number[] = [];
    const handle = async (row: { id: number }) => {
      seen.push(row.id);
      return {};
    };
    await Promise.all([processDueDeliveries({ handle }), processDueDeliveries({ handle }), processDueDeliveries({ handle })]);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
  });

  it("never lets two dispatchers leasing at the same moment take the same row", async () => {
    for (let index = 0; index < 30; index++) await deliver();
    const now = Date.now();
    // Six leases of 8 at once: on PostgreSQL each its own pooled connection and transaction.
    const batches = await Promise.all(Array.from({ length: 6 }, () => leaseDue(now, 8)));
    const taken = batches.flat().map((row) => row.id);
    expect(new Set(taken).size).toBe(taken.length);
    expect(taken).toHaveLength(30);
    const leased = await db().select({ attempts: webhookDeliveries.attempts, status: webhookDeliveries.status }).from(webhookDeliveries);
    expect(leased.every((row) => row.attempts === 1 && row.status === "processing")).toBe(true);
  });

  it.runIf(usingPostgres())("wakes at once when another process receives a delivery (its notice arrives over LISTEN/NOTIFY)", async () => {
    const unsubscribe = wakeOnDeliveriesElsewhere();
    try {
      await startNoticeRelay();
      const woke = new Promise<string>((resolve) => dispatcherWake.once("wake", () => resolve("woke")));
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query("select pg_notify('patchbay_delivery', $1)", [
          JSON.stringify({ origin: "another-process", notice: { workspaceId: "elsewhere", deliveryId: 1, status: "received" } }),
        ]);
      } finally {
        await other.end();
      }
      expect(await Promise.race([woke, new Promise<string>((resolve) => setTimeout(() => resolve("no wake within 5 s"), 5000))])).toBe("woke");
    } finally {
      unsubscribe();
    }
  });

  it.runIf(usingPostgres())("skips the rows another process is leasing instead of waiting for them or taking them too", async () => {
    const ids: number[] = [];
    for (let index = 0; index < 5; index++) ids.push(await deliver());
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("begin");
      // Another process in the middle of leasing the two oldest.
      await other.query("select id from webhook_deliveries order by next_attempt_at, id limit 2 for update skip locked");
      const mine = await Promise.race([leaseDue(Date.now()), sleep(5_000).then(() => "waited" as const)]);
      expect(mine === "waited" ? mine : mine.map((row) => row.id)).toEqual(ids.slice(2));
      await other.query("rollback"); // that process died before committing: the two are due again
      expect((await leaseDue(Date.now())).map((row) => row.id)).toEqual(ids.slice(0, 2));
    } finally {
      await other.end();
    }
  });

  it("replays a finished delivery as a new attempt, without a new row", async () => {
    const id = await deliver();
    await processDueDeliveries();
    expect(await requestReplay(workspaceId, [id])).toBe(1);
    expect(await processDueDeliveries()).toBe(1);
    expect((await attempts(id)).map((attempt) => attempt.trigger)).toEqual(["automatic", "replay"]);
    expect(await delivery(id)).toMatchObject({ status: "processed", attempts: 2, replayRequested: false });
    expect(await db().select().from(webhookDeliveries)).toHaveLength(1);
  });

  it("refuses to replay another user's delivery or an unverified one", async () => {
    const id = await deliver();
    await processDueDeliveries();
    expect(await requestReplay("someone-else", [id])).toBe(0);
    await db().update(webhookDeliveries).set({ verified: false, status: "rejected" }).where(eq(webhookDeliveries.id, id));
    expect(await requestReplay(workspaceId, [id])).toBe(0);
  });

  it("uses the default handler when none is given", async () => {
    expect(await handleDelivery(await delivery(await deliver("issues")))).toEqual({
      note: "No automation matches this event; it was recorded.",
      error: undefined,
      workflowRunId: undefined,
    });
  });
});
