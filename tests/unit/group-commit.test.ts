import Database from "better-sqlite3";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseReady, db, transaction } from "@/db/client";
import { createGroupCommit } from "@/db/group-commit";
import { webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/platform/env";
import { insertAcceptedRow, type NewDelivery } from "@/db/sql/intake";
import { newDelivery } from "../support/deliveries";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second connection to the same file: it sees only what has been committed. */
let observer: Database.Database;

/** Deliveries to an instance-wide URL: the default workspace's. */
const delivery = (key: string, overrides: Partial<NewDelivery> = {}): NewDelivery => newDelivery(key, { dedupeKey: `group:${key}`, ...overrides });

const committedIds = () => (observer.prepare("select delivery_id as id from webhook_deliveries order by id").all() as { id: string }[]).map((row) => row.id);

beforeAll(async () => {
  await databaseReady(); // the file exists, migrated, before the observer opens it
  observer = new Database(env().DATABASE_PATH, { readonly: true });
});

beforeEach(async () => {
  await db().delete(webhookDeliveries);
});

describe("group commit", () => {
  it("commits a batch with one bad delivery: the others are stored, only the bad one fails", async () => {
    const commit = createGroupCommit(db().$client);
    const seenDuringBatch: string[][] = [];
    const results = await Promise.allSettled([
      commit(() => insertAcceptedRow(delivery("a"))),
      // A workspace that does not exist: the foreign key refuses this row inside the batch.
      commit(() => insertAcceptedRow(delivery("bad", { workspaceId: "no-such-workspace" }))),
      commit(() => insertAcceptedRow(delivery("b"))),
      // The same delivery again within the batch: recognised as a duplicate, not an error.
      commit(() => insertAcceptedRow(delivery("a"))),
      commit(() => {
        seenDuringBatch.push(committedIds());
        return insertAcceptedRow(delivery("c"));
      }),
    ]);

    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_CONSTRAINT_FOREIGNKEY" });
    expect((results[3] as PromiseFulfilledResult<number | undefined>).value).toBeUndefined();
    expect(typeof (results[0] as PromiseFulfilledResult<number>).value).toBe("number");
    // One transaction: while its last write ran, nothing of it was visible to another connection ...
    expect(seenDuringBatch).toEqual([[]]);
    // ... and by the time the promises settled, all of its good rows were.
    expect(committedIds()).toEqual(["a", "b", "c"]);
  });

  it("resolves a lone write after its commit, and splits a queue longer than maxRows into several transactions", async () => {
    const commit = createGroupCommit(db().$client, { maxRows: 2 });
    const lone = await commit(() => insertAcceptedRow(delivery("lone")));
    expect(typeof lone).toBe("number");
    expect(committedIds()).toEqual(["lone"]);

    await db().delete(webhookDeliveries);
    const seenByThird: string[][] = [];
    await Promise.all([
      commit(() => insertAcceptedRow(delivery("1"))),
      commit(() => insertAcceptedRow(delivery("2"))),
      commit(() => {
        seenByThird.push(committedIds());
        return insertAcceptedRow(delivery("3"));
      }),
    ]);
    expect(seenByThird).toEqual([["1", "2"]]);
    expect(committedIds()).toEqual(["1", "2", "3"]);
  });

  it("keeps the savepoints' journals in memory (temp_store=MEMORY), not in a temporary file per delivery", () => {
    expect(db().$client.pragma("temp_store", { simple: true })).toBe(2);
  });

  it("commits a lone one-statement write on its own (autocommit), settling after that commit", async () => {
    const commit = createGroupCommit(db().$client);
    let inTransaction: boolean | undefined;
    const id = await commit(
      () => {
        inTransaction = db().$client.inTransaction;
        return insertAcceptedRow(delivery("alone"));
      },
      { oneStatement: true },
    );
    expect(inTransaction).toBe(false);
    expect(typeof id).toBe("number");
    expect(committedIds()).toEqual(["alone"]);
    // A lone one that fails leaves nothing behind, and the next one commits as before.
    await expect(commit(() => insertAcceptedRow(delivery("bad", { workspaceId: "no-such-workspace" })), { oneStatement: true })).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT_FOREIGNKEY",
    });
    expect(db().$client.inTransaction).toBe(false);
    await commit(() => insertAcceptedRow(delivery("after")), { oneStatement: true });
    expect(committedIds().sort()).toEqual(["after", "alone"]);
  });

  it("batches one-statement writes in one transaction without savepoints: a failed statement is undone alone", async () => {
    const commit = createGroupCommit(db().$client);
    const seen: { inTransaction: boolean; committed: string[] }[] = [];
    const look = () => seen.push({ inTransaction: db().$client.inTransaction, committed: committedIds() });
    const results = await Promise.allSettled([
      commit(() => insertAcceptedRow(delivery("a")), { oneStatement: true }),
      commit(() => insertAcceptedRow(delivery("bad", { workspaceId: "no-such-workspace" })), { oneStatement: true }),
      commit(
        () => {
          look();
          return insertAcceptedRow(delivery("b"));
        },
        { oneStatement: true },
      ),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // One transaction, not three commits: the last write ran inside it, before anything was visible elsewhere.
    expect(seen).toEqual([{ inTransaction: true, committed: [] }]);
    expect(committedIds()).toEqual(["a", "b"]);
  });

  it("holds a batch back while a transaction awaits something, then commits both together", async () => {
    const commit = createGroupCommit(db().$client);
    let finish!: () => void;
    const running = transaction(async () => {
      insertAcceptedRow(delivery("in-transaction"));
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await pause(5);
    const pending = commit(() => insertAcceptedRow(delivery("batched")));
    await pause(20);
    // Written now, the batch would have landed inside the transaction's savepoint.
    expect(committedIds()).toEqual([]);
    finish();
    await Promise.all([running, pending]);
    expect(committedIds()).toEqual(["batched", "in-transaction"]);
  });

  it("commits the transactions of one turn together, each resolving only after that COMMIT", async () => {
    const seenByLast: string[][] = [];
    const write = (key: string, look = false) =>
      transaction(async () => {
        if (look) seenByLast.push(committedIds());
        insertAcceptedRow(delivery(key));
      });
    const failing = transaction(async () => {
      insertAcceptedRow(delivery("rolled-back"));
      throw new Error("changed my mind");
    });
    const written = [write("t1"), write("t2"), write("t3", true)];
    await expect(failing).rejects.toThrow("changed my mind");
    await Promise.all(written);
    // The first two had ended when the third ran, yet another connection saw neither: one shared COMMIT.
    expect(seenByLast).toEqual([[]]);
    expect(committedIds()).toEqual(["t1", "t2", "t3"]);
  });

  it("settles a write outside any transaction after the COMMIT holding it", async () => {
    const seen: string[][] = [];
    await Promise.all([
      db()
        .insert(webhookDeliveries)
        .values(delivery("outside"))
        .then(() => seen.push(committedIds())),
      transaction(async () => {
        insertAcceptedRow(delivery("beside"));
      }),
    ]);
    expect(seen).toEqual([["beside", "outside"]]);
  });

  it("rejects every write of a batch whose transaction cannot start", async () => {
    const writer = new Database(env().DATABASE_PATH);
    writer.pragma("busy_timeout = 0");
    const blocked = db().$client;
    blocked.pragma("busy_timeout = 0");
    writer.prepare("begin immediate").run();
    try {
      const commit = createGroupCommit(blocked);
      const results = await Promise.allSettled([commit(() => insertAcceptedRow(delivery("x"))), commit(() => insertAcceptedRow(delivery("y")))]);
      expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_BUSY" });
    } finally {
      writer.prepare("rollback").run();
      writer.close();
      blocked.pragma("busy_timeout = 5000");
    }
    expect(committedIds()).toEqual([]);
  });
});
