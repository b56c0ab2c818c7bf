import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, commitsLazily, execute, rows, transaction, usingPostgres, withCommitsAs, withLazyCommits } from "@/db/client";
import { workflowRuns } from "@/db/schema";
import { recordRunStart } from "@/lib/runs/run-writes";
import { createUser } from "../support/helpers";

const setting = async () => (await rows<{ value: string }>(sql`select current_setting('synchronous_commit') as value`))[0]!.value;

/** db/client.ts withLazyCommits: the dispatcher's processing commits without waiting for the WAL; everything else waits. */
describe("withLazyCommits", () => {
  beforeAll(async () => {
    if (!usingPostgres()) return;
    // The test cluster commits lazily everywhere for speed; this database commits durably, as a deployment does.
    const [database] = await rows<{ name: string }>(sql`select current_database() as name`);
    await execute(sql.raw(`alter database "${database!.name}" set synchronous_commit = on`));
    await closeDatabase(); // the pool's next connections start with it
  });

  it("commits lazily inside, in statements and transactions alike, and durably outside and after", async () => {
    if (!usingPostgres()) {
      // SQLite: nothing to change; the body runs and its result comes back.
      expect(await withLazyCommits(async () => "ran")).toBe("ran");
      return;
    }
    expect(await setting()).toBe("on");
    const inside = await withLazyCommits(async () => ({
      statement: await setting(),
      transaction: await transaction(() => setting()),
      // Work that goes on in the body's flow (a chain of writes, a timer) stays lazy too.
      later: await new Promise<string>((resolve) => setTimeout(() => void setting().then(resolve), 1)),
    }));
    expect(inside).toEqual({ statement: "off", transaction: "off", later: "off" });
    expect(await setting()).toBe("on");
    expect(await transaction(() => setting())).toBe("on");
  });

  it("leaves a transaction already open as it is", async () => {
    if (!usingPostgres()) return;
    const joined = await transaction(() => withLazyCommits(() => setting()));
    expect(joined).toBe("on");
  });

  it("commits a batch handed in from several flows lazily only if every flow did (withCommitsAs)", async () => {
    if (!usingPostgres()) {
      expect(commitsLazily()).toBe(false);
      expect(await withCommitsAs(true, async () => "ran")).toBe("ran");
      return;
    }
    expect(await withLazyCommits(async () => commitsLazily())).toBe(true);
    expect(commitsLazily()).toBe(false);
    // Whatever the flow that runs the batch says, the batch's own verdict counts.
    expect(await withLazyCommits(() => withCommitsAs(false, () => transaction(() => setting())))).toBe("on");
    expect(await withCommitsAs(true, () => transaction(() => setting()))).toBe("off");
    // A run's records: one handed in lazily and one durably in the same turn are written together, and both are there.
    const user = await createUser("mixed-commits");
    const run = (id: string) => ({
      id,
      userId: user.id,
      workspaceId: user.workspaceId,
      workflowId: "process-github-push",
      trigger: "manual" as const,
      input: {},
      status: "running" as const,
      startedAt: Date.now(),
    });
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    await Promise.all([withLazyCommits(() => recordRunStart(run(ids[0]!), [])), recordRunStart(run(ids[1]!), [])]);
    const stored = await rows<{ id: string }>(sql`select id from ${workflowRuns} where workspace_id = ${user.workspaceId}`);
    expect(stored.map((row) => row.id).sort()).toEqual([...ids].sort());
  });
});
