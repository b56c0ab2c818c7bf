import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, transaction } from "@/db/client";
import { automationRunAttempts, automationRuns, automationRunSteps, workflowRuns, workflowRunSteps } from "@/db/schema";
import { insertRows } from "@/db/sql/many-rows";
import { attemptRuns, type RunToAttempt } from "@/lib/automations/execute";
import { createAutomation } from "@/lib/automations/store";
import { recordProgress, recordRunOutcome, recordRunStart } from "@/lib/runs/run-writes";
import { createUser } from "../support/helpers";

const newRun = (userId: string, workspaceId: string) => ({
  id: crypto.randomUUID(),
  userId,
  workspaceId,
  workflowId: "process-github-push",
  trigger: "manual" as const,
  input: { ref: "refs/heads/main" },
  status: "running" as const,
  startedAt: Date.now(),
  runnerInstance: null,
});
const stepsOf = (runId: string) => ["first", "second"].map((stepId, position) => ({ runId, stepId, position, status: "pending" as const }));

/**
 * lib/runs/run-writes.ts and the shared start in lib/automations/execute.ts: runs' records handed
 * in during one turn are written in one transaction; a write at fault fails alone.
 */
describe("run records written together", () => {
  it("writes a turn's starts, progress and outcomes together, and fails only the write at fault", async () => {
    const user = await createUser("run-writes");
    const earlier = newRun(user.id, user.workspaceId);
    await recordRunStart(earlier, stepsOf(earlier.id));

    const good = newRun(user.id, user.workspaceId);
    const orphan = newRun("no-such-user", user.workspaceId);
    // All handed in in the same turn: one batch, whose transaction the orphan (a foreign key) makes fail.
    const results = await Promise.allSettled([
      recordRunStart(good, stepsOf(good.id)),
      recordRunStart(orphan, stepsOf(orphan.id)),
      recordProgress(workflowRunSteps, { status: "success", output: { done: true }, endedAt: 9 }, { runId: earlier.id, stepId: "first" }),
      recordRunOutcome(earlier.id, { status: "success", output: "all done", error: null, finishedAt: 10 }, true),
      recordRunOutcome("no-such-run", { status: "failed", output: null, error: "x", finishedAt: 10 }, false),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "rejected"]);
    expect(String((results[4] as PromiseRejectedResult).reason)).toContain("is gone");
    expect((results[3] as PromiseFulfilledResult<typeof workflowRuns.$inferSelect>).value).toMatchObject({
      id: earlier.id,
      status: "success",
      output: "all done",
      finishedAt: 10,
      input: { ref: "refs/heads/main" },
    });

    const stored = await db().select().from(workflowRuns).where(eq(workflowRuns.workspaceId, user.workspaceId));
    expect(stored.map((run) => run.id).sort()).toEqual([earlier.id, good.id].sort());
    const steps = (runId: string) =>
      db()
        .select({ stepId: workflowRunSteps.stepId, status: workflowRunSteps.status, output: workflowRunSteps.output })
        .from(workflowRunSteps)
        .where(eq(workflowRunSteps.runId, runId))
        .orderBy(asc(workflowRunSteps.position));
    // The step written is kept; the one never reached is marked skipped with the outcome.
    expect(await steps(earlier.id)).toEqual([
      { stepId: "first", status: "success", output: { done: true } },
      { stepId: "second", status: "skipped", output: null },
    ]);
    expect(await steps(good.id)).toEqual([
      { stepId: "first", status: "pending", output: null },
      { stepId: "second", status: "pending", output: null },
    ]);
  });

  it("starts the attempts of runs claimed in the same turn in one commit, and a claim at fault fails alone", async () => {
    const owner = await createUser("shared-start", "owner");
    const automation = await createAutomation(owner, {
      name: "Shared start",
      definition: { trigger: { kind: "manual", fields: [] }, steps: [{ key: "check", kind: "condition", when: "true" }] },
    });
    const queued = async (): Promise<RunToAttempt> => {
      const id = crypto.randomUUID();
      await transaction(() =>
        insertRows(
          automationRuns,
          ["id", "automationId", "workspaceId", "version", "trigger", "status", "startedBy", "createdAt"],
          [
            {
              id,
              automationId: automation.id,
              workspaceId: owner.workspaceId,
              version: automation.version,
              trigger: "manual",
              status: "queued",
              startedBy: owner.id,
              createdAt: 1,
            },
          ],
        ),
      );
      const [run] = await db().select().from(automationRuns).where(eq(automationRuns.id, id));
      return { run: run!, automation, base: { input: {} } };
    };
    const runs = [await queued(), await queued()];
    const claims: number[] = [0, 0];
    const attempted = await Promise.allSettled([
      attemptRuns(async () => {
        claims[0]!++;
        return [runs[0]!];
      }),
      attemptRuns(async () => {
        throw new Error("this claim is at fault");
      }),
      attemptRuns(async () => {
        claims[1]!++;
        return [runs[1]!];
      }),
    ]);
    expect(attempted.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((attempted[1] as PromiseRejectedResult).reason)).toContain("this claim is at fault");
    // The shared commit failed at the second claim: the first ran in it and again on its own, the third on its own only.
    expect(claims).toEqual([2, 1]);
    for (const [index, { run }] of runs.entries()) {
      const [result] = (attempted[index === 0 ? 0 : 2] as PromiseFulfilledResult<Awaited<ReturnType<typeof attemptRuns>>>).value;
      expect(result).toMatchObject({ outcome: { ok: true } });
      const [row] = await db().select().from(automationRuns).where(eq(automationRuns.id, run.id));
      expect(row).toMatchObject({ status: "running", attempts: 1 });
      const attempts = await db().select().from(automationRunAttempts).where(eq(automationRunAttempts.runId, run.id));
      expect(attempts.map(({ number, outcome }) => ({ number, outcome }))).toEqual([{ number: 1, outcome: "succeeded" }]);
      const steps = await db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, run.id));
      expect(steps.map(({ stepKey, status }) => ({ stepKey, status }))).toEqual([{ stepKey: "check", status: "succeeded" }]);
    }
  });
});
