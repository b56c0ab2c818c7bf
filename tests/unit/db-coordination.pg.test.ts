import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { execute, transaction, usingPostgres } from "@/db/client";
import { closeLocks, withLock } from "@/db/locks";
import { noticeBus, publish, startNoticeRelay, stopNoticeRelay, type NoticeChannel, type NoticeOrigin } from "@/db/notifications";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The notices that arrive on this process's bus within `ms`. */
async function heard(channel: NoticeChannel, ms: number, during: () => Promise<unknown>, withOrigin = false): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (notice: unknown, origin: NoticeOrigin) => seen.push(withOrigin ? { notice, origin } : notice);
  noticeBus.on(channel, listener);
  try {
    await startNoticeRelay();
    await during();
    await pause(ms);
    return seen;
  } finally {
    noticeBus.off(channel, listener);
  }
}

/** A connection of its own: on PostgreSQL, what another Patchbay process would be. */
async function otherProcess<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await stopNoticeRelay();
  await closeLocks();
});

describe("live-page notices", () => {
  it("reach this process's listeners, marked as sent here", async () => {
    const seen = await heard("delivery", 300, async () => publish("delivery", { userId: "u1", deliveryId: 1, status: "received" }), true);
    expect(seen).toEqual([{ notice: { userId: "u1", deliveryId: 1, status: "received" }, origin: { elsewhere: false } }]);
  });

  it.runIf(usingPostgres())("reach this process when another process sends them (LISTEN/NOTIFY), marked as sent elsewhere", async () => {
    const notice = JSON.stringify({ origin: "another-process", notice: { runId: "r1", status: "success" } });
    const seen = await heard("run", 300, () => otherProcess((client) => client.query("select pg_notify('patchbay_run', $1)", [notice])), true);
    expect(seen).toEqual([{ notice: { runId: "r1", status: "success" }, origin: { elsewhere: true } }]);
  });

  it("published in a burst all arrive, in order (on PostgreSQL several to a NOTIFY, more than one payload's worth)", async () => {
    // 150 notices of ~120 bytes: more than one NOTIFY payload (8000 bytes at most) holds.
    const burst = Array.from({ length: 150 }, (_, index) => ({ workspaceId: "w".repeat(80), deliveryId: index, status: "received" }));
    const runs: unknown[] = [];
    const listener = (notice: unknown) => runs.push(notice);
    noticeBus.on("run", listener);
    const seen = await heard("delivery", 500, async () => {
      for (const notice of burst) publish("delivery", notice);
      publish("run", { runId: "r-burst", status: "running" });
    }).finally(() => noticeBus.off("run", listener));
    expect(seen).toEqual(burst);
    expect(runs).toEqual([{ runId: "r-burst", status: "running" }]);
  });

  it.runIf(usingPostgres())("ignore a NOTIFY on their channels that is not a Patchbay notice", async () => {
    const seen = await heard("run", 300, () =>
      otherProcess((client) => client.query("select pg_notify('patchbay_run', 'not json'), pg_notify('patchbay_run', '{\"runId\":\"bare\"}')")),
    );
    expect(seen).toEqual([]);
  });

  it.runIf(usingPostgres())("sent inside a transaction, go out at commit and never on rollback", async () => {
    const seen = await heard("delivery", 300, async () => {
      await transaction(async () => publish("delivery", { deliveryId: 2, status: "committed" }));
      await transaction(async () => {
        publish("delivery", { deliveryId: 3, status: "rolled back" });
        await pause(20);
        throw new Error("undo");
      }).catch(() => undefined);
    });
    expect(seen).toEqual([{ deliveryId: 2, status: "committed" }]);
  });
});

describe("named locks", () => {
  it("run the holders of one name one at a time, and other names alongside", async () => {
    const events: string[] = [];
    const hold = (name: string, label: string) =>
      withLock(name, async () => {
        events.push(`${label} in`);
        await pause(40);
        events.push(`${label} out`);
      });
    await Promise.all([hold("refresh:a", "a1"), hold("refresh:a", "a2"), hold("refresh:b", "b1")]);
    // Each holder of "refresh:a" leaves before the next comes in (in either order).
    const a = events.filter((event) => event.startsWith("a"));
    expect([a[0]!.slice(0, 2), a[1]!.slice(0, 2)]).toEqual([a[0]!.slice(0, 2), a[0]!.slice(0, 2)]);
    expect(a.map((event) => event.slice(3))).toEqual(["in", "out", "in", "out"]);
    // "refresh:b" did not wait for them.
    expect(events.indexOf("b1 in")).toBeLessThan(events.indexOf(a[3]!));
  });

  it("release the lock when the body throws", async () => {
    await expect(withLock("refresh:c", async () => Promise.reject(new Error("token endpoint down")))).rejects.toThrow("token endpoint down");
    expect(await withLock("refresh:c", async () => "next")).toBe("next");
  });

  it.runIf(usingPostgres())("wait for a holder in another process", async () => {
    await execute(sql`select 1`);
    const order: string[] = [];
    await otherProcess(async (client) => {
      await client.query("select pg_advisory_lock(hashtextextended($1, 0))", ["refresh:d"]);
      const waiting = withLock("refresh:d", async () => void order.push("this process"));
      await pause(150);
      order.push("other process releases");
      await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", ["refresh:d"]);
      await waiting;
    });
    expect(order).toEqual(["other process releases", "this process"]);
  });
});
