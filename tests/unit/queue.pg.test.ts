import { EventEmitter } from "node:events";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { resetEnvCache } from "@/lib/platform/env";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { leaseRows, nextStep, QueueWorker, recordFenced, type QueueTable } from "@/lib/queue";

type Item = { id: string; workspaceId: string; origin: string };

/** An in-memory table: `due` in order; each attempt waits for its release. */
function memoryTable(due: Item[]) {
  const releases = new Map<string, () => void>();
  const started: string[] = [];
  const table: QueueTable<Item> = {
    lease: async (wanted, admission) => {
      const taken: Item[] = [];
      for (const item of due.filter((candidate) => !admission.inFlight.includes(candidate.id))) {
        if (taken.length === wanted) break;
        const verdict = admission.admit(item.id, item);
        if (verdict === "full") break;
        if (verdict === "taken") taken.push(item);
      }
      for (const item of taken) due.splice(due.indexOf(item), 1);
      return taken;
    },
    attempt: (item) => {
      started.push(item.id);
      return new Promise<void>((resolve) => releases.set(item.id, resolve));
    },
    idOf: (item) => item.id,
  };
  const finish = async (id: string) => {
    releases.get(id)!();
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { table, started, finish };
}

const items = (count: number, workspaceId = "a", origin = "x") =>
  Array.from({ length: count }, (_, index) => ({ id: `${workspaceId}${origin}${index}`, workspaceId, origin }));

describe("the queue worker", () => {
  it("keeps at most its slots in flight, in all, per person and per origin, and refills as attempts finish", async () => {
    const { table, started, finish } = memoryTable([...items(3, "a", "slow"), ...items(2, "b", "fast")]);
    const worker = new QueueWorker(table, { name: "test", slots: { total: 3, perPerson: 3, perOrigin: 2 }, refillOnFinish: true });
    await worker.pump();
    // Two for the slow origin, then the next that fits: another origin's.
    expect(started).toEqual(["aslow0", "aslow1", "bfast0"]);
    await finish("bfast0");
    expect(started).toEqual(["aslow0", "aslow1", "bfast0", "bfast1"]);
    await finish("aslow0");
    expect(started.at(-1)).toBe("aslow2");
  });

  it("drains: returns how many attempts it started once nothing is due or in flight", async () => {
    const { table, finish } = memoryTable(items(4));
    const worker = new QueueWorker(table, { name: "test", slots: { total: 2, perPerson: 2, perOrigin: 2 } });
    const drained = worker.drain({ wake: new EventEmitter(), pollMs: 10 });
    for (const id of ["ax0", "ax1", "ax2", "ax3"]) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await finish(id);
    }
    expect(await drained).toBe(4);
  });

  it("with leaseAtMost, fills its slots in several leases of at most that many, and leases again as they free", async () => {
    const { table, started, finish } = memoryTable(items(12));
    const asked: number[] = [];
    const counted: QueueTable<Item> = { ...table, lease: (wanted, admission) => (asked.push(wanted), table.lease(wanted, admission)) };
    const worker = new QueueWorker(counted, { name: "test", slots: { total: 8, perPerson: 8, perOrigin: 8 }, leaseAtMost: 4 });
    await worker.pump();
    expect(asked).toEqual([4, 4]);
    expect(started).toHaveLength(8);
    for (const id of ["ax0", "ax1", "ax2"]) await finish(id);
    await worker.pump();
    expect(asked).toEqual([4, 4, 3]);
    expect(started).toHaveLength(11);
  });

  it("leases nothing while asked to yield, and gives back the slots a failed lease admitted", async () => {
    const { table, started } = memoryTable(items(1));
    let yielding = true;
    const failing: QueueTable<Item> = {
      ...table,
      lease: async (wanted, admission) => {
        admission.admit("ax0", { workspaceId: "a", origin: "x" });
        throw new Error("the database went away");
      },
    };
    await expect(new QueueWorker(failing, { name: "test", slots: { total: 1, perPerson: 1, perOrigin: 1 } }).pump()).rejects.toThrow("went away");
    const worker = new QueueWorker(
      { ...table, attempt: async (item) => void started.push(item.id) },
      { name: "test", slots: { total: 1, perPerson: 1, perOrigin: 1 } },
    );
    const drained = worker.drain({ wake: new EventEmitter(), yieldFirst: () => yielding });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(started).toEqual([]);
    yielding = false;
    expect(await drained).toBe(1);
  });

  it("follows the retry schedule: done, retry after its delay, failed when used up or permanent", () => {
    process.env.WEBHOOK_RETRY_SCHEDULE = "5,300";
    resetEnvCache();
    const statuses = { done: "done", retry: "retry", failed: "failed" };
    expect(nextStep(1, { ok: true }, statuses)).toEqual({ status: "done" });
    expect(nextStep(1, { ok: false }, statuses)).toMatchObject({ status: "retry", retryIn: expect.any(Number) });
    expect(nextStep(1, { ok: false, permanent: true }, statuses)).toEqual({ status: "failed" });
    expect(nextStep(3, { ok: false }, statuses)).toEqual({ status: "failed" });
  });
});

describe("leasing and the fenced record, on the database", () => {
  it("records an attempt only while the item is still leased to it", async () => {
    const now = Date.now();
    const id = (await insertAccepted({
      workspaceId: DEFAULT_WORKSPACE_ID, // an instance-wide URL's delivery
      providerId: "github",
      dedupeKey: "queue:1",
      deliveryId: "queue-1",
      event: "push",
      receivedAt: now,
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: true,
      status: "received",
      nextAttemptAt: now,
    }))!;
    const lease = () =>
      leaseRows(
        async (tx) => {
          const taken = await tx
            .update(webhookDeliveries)
            .set({ status: "processing", attempts: sql`${webhookDeliveries.attempts} + 1` })
            .where(eq(webhookDeliveries.id, id))
            .returning({ id: webhookDeliveries.id });
          return taken.map((row) => row.id);
        },
        (ids) => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, ids[0]!)),
      );
    const [first] = await lease();
    const [second] = await lease(); // taken over: the first attempt's lease is stale
    expect([first!.attempts, second!.attempts]).toEqual([1, 2]);
    const record = (attempts: number) =>
      recordFenced(
        (tx) =>
          tx
            .update(webhookDeliveries)
            .set({ status: "processed" })
            .where(sql`${webhookDeliveries.id} = ${id} and ${webhookDeliveries.status} = 'processing' and ${webhookDeliveries.attempts} = ${attempts}`),
        (tx) =>
          tx.insert(webhookAttempts).values({ deliveryId: id, number: attempts, trigger: "automatic", startedAt: now, durationMs: 0, outcome: "processed" }),
      );
    expect(await record(1)).toBe(false);
    expect(await record(2)).toBe(true);
    expect(await db().select({ number: webhookAttempts.number }).from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id))).toEqual([{ number: 2 }]);
  });
});
