import "server-only";
import { and, eq, inArray, isNull, ne, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { db, transaction } from "@/db/client";
import { instanceId, liveInstanceId, stoppedInstances } from "@/db/instance";
import { agentToolCalls, toolRuns, workflowRuns, workflowRunSteps } from "@/db/schema";
import { log, startBackgroundLoop } from "@/lib/platform";
import { announceRun } from "./run-events";

/*
 * A run is executed by the process that started it, in that process's memory: if the process
 * stops (a crash, a kill, a deploy) the run can never finish, and would show "running" forever.
 * Each running row names its process (`runner_instance`, db/instance.ts); a sweep finds the rows
 * whose process has stopped and marks them failed, saying why. A run another live process is
 * executing is left alone (PostgreSQL: several processes on one database), and so are this
 * process's own.
 */

export const INTERRUPTED = "Interrupted: the Patchbay process running this stopped.";

export type InterruptedRuns = { workflowRuns: number; toolRuns: number; toolCalls: number };

/** Running, and not run by this process. */
function runningElsewhere(status: SQLiteColumn, owner: SQLiteColumn): SQL {
  return and(eq(status, "running"), or(isNull(owner), ne(owner, instanceId())))!;
}

/** Running, and run by one of the stopped instances (null: a row from before instances were recorded). */
function runningOn(status: SQLiteColumn, owner: SQLiteColumn, stopped: (string | null)[]): SQL {
  const named = stopped.filter((id): id is string => id !== null);
  const owners = [...(named.length > 0 ? [inArray(owner, named)] : []), ...(stopped.includes(null) ? [isNull(owner)] : [])];
  return and(eq(status, "running"), or(...owners))!;
}

async function ownersOfRunsElsewhere(): Promise<(string | null)[]> {
  const found = await Promise.all([
    db().selectDistinct({ owner: workflowRuns.runnerInstance }).from(workflowRuns).where(runningElsewhere(workflowRuns.status, workflowRuns.runnerInstance)),
    db().selectDistinct({ owner: toolRuns.runnerInstance }).from(toolRuns).where(runningElsewhere(toolRuns.status, toolRuns.runnerInstance)),
    db()
      .selectDistinct({ owner: agentToolCalls.runnerInstance })
      .from(agentToolCalls)
      .where(runningElsewhere(agentToolCalls.status, agentToolCalls.runnerInstance)),
  ]);
  return found.flat().map((row) => row.owner);
}

/**
 * Marks failed the workflow runs, tool runs and agent tool calls whose process has stopped: at
 * start-up (on SQLite, every running row not this process's) and then periodically. Steps that
 * were running fail with the run, steps not reached are skipped, an agent's call answers the model
 * with the reason, and open run pages hear that the run failed.
 */
export async function failInterruptedRuns(): Promise<InterruptedRuns> {
  const stopped = await stoppedInstances(await ownersOfRunsElsewhere());
  if (stopped.length === 0) return { workflowRuns: 0, toolRuns: 0, toolCalls: 0 };
  const now = Date.now();
  const { runs, tools, calls } = await transaction(async (tx) => {
    const runs = await tx
      .update(workflowRuns)
      .set({ status: "failed", error: INTERRUPTED, finishedAt: now })
      .where(runningOn(workflowRuns.status, workflowRuns.runnerInstance, stopped))
      .returning({ id: workflowRuns.id, workspaceId: workflowRuns.workspaceId });
    const runIds = runs.map((run) => run.id);
    if (runIds.length > 0) {
      await tx
        .update(workflowRunSteps)
        .set({ status: "failed", error: INTERRUPTED, endedAt: now })
        .where(and(inArray(workflowRunSteps.runId, runIds), eq(workflowRunSteps.status, "running")));
      await tx
        .update(workflowRunSteps)
        .set({ status: "skipped" })
        .where(and(inArray(workflowRunSteps.runId, runIds), eq(workflowRunSteps.status, "pending")));
    }
    const tools = await tx
      .update(toolRuns)
      .set({ status: "failed", error: INTERRUPTED })
      .where(runningOn(toolRuns.status, toolRuns.runnerInstance, stopped))
      .returning({ id: toolRuns.id });
    const calls = await tx
      .update(agentToolCalls)
      .set({ status: "failed", output: { success: false, error: INTERRUPTED } })
      .where(runningOn(agentToolCalls.status, agentToolCalls.runnerInstance, stopped))
      .returning({ id: agentToolCalls.id });
    return { runs, tools, calls };
  });
  for (const run of runs) announceRun({ workspaceId: run.workspaceId, runId: run.id, status: "failed" });
  return { workflowRuns: runs.length, toolRuns: tools.length, toolCalls: calls.length };
}

function total(interrupted: InterruptedRuns): number {
  return interrupted.workflowRuns + interrupted.toolRuns + interrupted.toolCalls;
}

const SWEEP_INTERVAL_MS = 30_000;

async function sweep(): Promise<InterruptedRuns> {
  const swept = await failInterruptedRuns();
  if (total(swept) > 0) log.warn("runs interrupted by a stopped Patchbay process are marked failed", swept);
  return swept;
}

/**
 * At start-up: makes this process visible as alive, fails what stopped processes left running
 * (awaited, so pages never show a run that cannot finish as running), then sweeps again every
 * 30 s for processes that stop later. Resolves with what the first sweep failed.
 */
export async function superviseRuns(): Promise<InterruptedRuns> {
  await liveInstanceId();
  const first = await sweep();
  startBackgroundLoop("interrupted-runs", sweep, { intervalMs: SWEEP_INTERVAL_MS, runNow: false });
  return first;
}
