import { statSync } from "node:fs";
import { inArray } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db, usingPostgres } from "@/db/client";
import { noticeBus, startNoticeRelay, stopNoticeRelay, type NoticeOrigin } from "@/db/notifications";
import { DEFAULT_WORKSPACE_ID, webhookDeliveries } from "@/db/schema";
import { intakeWriter, type NewDelivery } from "@/db/sql/intake";
import { newDelivery } from "../support/deliveries";

/** A delivery whose dedupe key is `key` itself, so the tests can look it up by the keys they made. */
const delivery = (key: string, workspaceId = DEFAULT_WORKSPACE_ID): NewDelivery => newDelivery(key, { dedupeKey: key, workspaceId });

describe("intake's writer (SQLite: one transaction per batch; PostgreSQL: one multi-row insert per batch)", () => {
  it("stores deliveries arriving together, each answered with its own id, a repeated dedupe key as a redelivery", async () => {
    const writer = intakeWriter(() => false);
    const prefix = `writer-${crypto.randomUUID()}`;
    const earlier = await writer.accepted(delivery(`${prefix}-earlier`));
    expect(earlier).toBeTypeOf("number");

    const keys = Array.from({ length: 60 }, (_, index) => `${prefix}-${index}`);
    // Twice the same new key in the burst, and a key stored before it.
    const burst = [...keys, `${prefix}-7`, `${prefix}-earlier`];
    const ids = await Promise.all(burst.map((key) => writer.accepted(delivery(key))));

    const fresh = ids.slice(0, keys.length);
    expect(fresh.every((id) => typeof id === "number")).toBe(true);
    expect(new Set(fresh).size).toBe(keys.length);
    expect(ids.slice(keys.length)).toEqual([undefined, undefined]);
    const rows = await db()
      .select({ id: webhookDeliveries.id, dedupeKey: webhookDeliveries.dedupeKey })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.dedupeKey, keys));
    // Each promise's id is the row holding its own delivery.
    expect(new Map(rows.map((row) => [row.dedupeKey, row.id]))).toEqual(new Map(keys.map((key, index) => [key, fresh[index]])));
  });

  it("fails only the delivery that cannot be stored, the others of its batch are stored", async () => {
    const writer = intakeWriter(() => false);
    const prefix = `writer-bad-${crypto.randomUUID()}`;
    const results = await Promise.allSettled([
      writer.accepted(delivery(`${prefix}-a`)),
      writer.accepted(delivery(`${prefix}-bad`, "no-such-workspace")),
      writer.accepted(delivery(`${prefix}-b`)),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await db()
      .select({ dedupeKey: webhookDeliveries.dedupeKey })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.dedupeKey, [`${prefix}-a`, `${prefix}-bad`, `${prefix}-b`]));
    expect(rows.map((row) => row.dedupeKey).sort()).toEqual([`${prefix}-a`, `${prefix}-b`]);
  });

  it.skipIf(usingPostgres())(
    "on SQLite lets the write-ahead log be checkpointed when deliveries come one at a time (each insert alone, in autocommit)",
    async () => {
      const writer = intakeWriter(() => false);
      const client = db().$client;
      client.pragma("wal_checkpoint(TRUNCATE)");
      const body = JSON.stringify({ ref: "refs/heads/main", padding: "x".repeat(7000) });
      const prefix = `writer-wal-${crypto.randomUUID()}`;
      for (let index = 0; index < 1500; index++)
        expect(await writer.accepted(newDelivery(`${prefix}-${index}`, { dedupeKey: `${prefix}-${index}`, body, bodyBytes: body.length }))).toBeTypeOf(
          "number",
        );
      // About 40 KB of pages a delivery: 60 MB of log unless SQLite's automatic checkpoint (every 1,000 pages) keeps it near 4 MB.
      expect(statSync(`${client.name}-wal`).size).toBeLessThan(16 * 1024 * 1024);
    },
  );

  it.runIf(usingPostgres())("on PostgreSQL sends each stored delivery's live-page notice with the batch's commit, none for a redelivery", async () => {
    const writer = intakeWriter(() => false);
    expect(writer.announcesAccepted).toBe(true);
    await startNoticeRelay();
    const heard: { notice: unknown; origin: NoticeOrigin }[] = [];
    const listener = (notice: unknown, origin: NoticeOrigin) => heard.push({ notice, origin });
    noticeBus.on("delivery", listener);
    try {
      const prefix = `writer-notice-${crypto.randomUUID()}`;
      // More rows than one NOTIFY carries (several NOTIFYs in the one statement), and a key twice.
      const keys = Array.from({ length: 120 }, (_, index) => `${prefix}-${index}`);
      const ids = await Promise.all([...keys, `${prefix}-3`].map((key) => writer.accepted(delivery(key))));
      const mine = () => heard.filter(({ notice }) => ids.includes((notice as { deliveryId: number }).deliveryId));
      // Waits for the notices as long as a busy machine needs, then a moment more for any sent twice.
      await vi.waitFor(() => expect(mine().length).toBeGreaterThanOrEqual(keys.length), { timeout: 10_000, interval: 20 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const byId = (a: { deliveryId: number }, b: { deliveryId: number }) => a.deliveryId - b.deliveryId;
      expect(
        mine()
          .map(({ notice }) => notice as { deliveryId: number })
          .sort(byId),
      ).toEqual(
        ids
          .slice(0, keys.length)
          .map((id) => ({ workspaceId: DEFAULT_WORKSPACE_ID, deliveryId: id!, status: "received" }))
          .sort(byId),
      );
      expect(mine().every(({ origin }) => !origin.elsewhere)).toBe(true);
    } finally {
      noticeBus.off("delivery", listener);
    }
  });

  it.runIf(!usingPostgres())("on SQLite leaves the notice to the caller, after the commit", () => {
    expect(intakeWriter(() => false).announcesAccepted).toBe(false);
  });
});

afterAll(async () => {
  await stopNoticeRelay();
});
