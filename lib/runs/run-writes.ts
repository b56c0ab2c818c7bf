import "server-only";
import { and, eq, sql, type Table } from "drizzle-orm";
import { usingPostgres, type Db } from "@/db/client";
import { inJsonList, insertRows, jsonRecordset, type RowChange, updateRows } from "@/db/sql/many-rows";
import { workflowRuns, workflowRunSteps } from "@/db/schema";
import { writtenTogether } from "@/db/written-together";

type WorkflowRunRow = typeof workflowRuns.$inferSelect;
type NewWorkflowRun = typeof workflowRuns.$inferInsert;
type NewWorkflowStep = typeof workflowRunSteps.$inferInsert;
export type RunOutcome = Pick<WorkflowRunRow, "status" | "output" | "error" | "finishedAt">;

type Write =
  | { kind: "start"; run: NewWorkflowRun; steps: NewWorkflowStep[] }
  | { kind: "update"; table: Table; change: RowChange<Table> }
  | { kind: "finish"; runId: string; outcome: RunOutcome; skipPending: boolean };

/**
 * The records runs keep as they go (a workflow run's start and steps, each step's progress, an
 * automation step's progress, a workflow run's outcome), written together: what the runs going on
 * side by side hand in during one turn of the event loop, or while the previous batch commits, is
 * one transaction (db/written-together.ts) with one statement per kind of write (db/sql/many-rows.ts). On PostgreSQL every
 * statement is a round trip whose socket send alone costs about 0.1 ms of CPU; written one by one,
 * a processed delivery's run records were seven round trips of its own.
 *
 * A run's writes still happen in its order: each is awaited before the next is handed in. A batch
 * that fails is tried again write by write, so only the write at fault fails. A batch commits
 * lazily (db/client.ts, withLazyCommits: a delivery's processing) only if every write in it was
 * handed in that way; one from a run started by hand makes it durable.
 */
const enqueue = writtenTogether(apply);

/** Records a workflow run as started, with its steps. */
export async function recordRunStart(run: NewWorkflowRun, steps: NewWorkflowStep[]): Promise<void> {
  await enqueue({ kind: "start", run, steps });
}

/** Updates one row of a run's records (a step's progress), as `updateWhere` would. */
export async function recordProgress<T extends Table>(table: T, values: Partial<T["$inferInsert"]>, match: Partial<T["$inferInsert"]>): Promise<void> {
  await enqueue({ kind: "update", table, change: { values, match } as RowChange<Table> });
}

/** Records a workflow run's outcome (and, with `skipPending`, marks the steps it never reached skipped); resolves with the run's row. */
export async function recordRunOutcome(runId: string, outcome: RunOutcome, skipPending: boolean): Promise<WorkflowRunRow> {
  const row = await enqueue({ kind: "finish", runId, outcome, skipPending });
  if (!row) throw new Error(`The workflow run ${runId} is gone.`);
  return row;
}

const RUN_KEYS = ["id", "userId", "workspaceId", "workflowId", "trigger", "deliveryId", "input", "status", "startedAt", "runnerInstance"] as const;
const STEP_KEYS = ["runId", "stepId", "position", "status"] as const;

/** The writes in one transaction; each write's result in its place (a finish's row, nothing for the rest). */
async function apply(tx: Db, writes: Write[]): Promise<(WorkflowRunRow | undefined)[]> {
  const starts = writes.flatMap((write) => (write.kind === "start" ? [write] : []));
  await insertRows(
    workflowRuns,
    RUN_KEYS,
    starts.map((start) => start.run),
  );
  await insertRows(
    workflowRunSteps,
    STEP_KEYS,
    starts.flatMap((start) => start.steps),
  );
  const updates = writes.flatMap((write) => (write.kind === "update" ? [write] : []));
  for (const [table, group] of Map.groupBy(updates, (update) => update.table))
    await updateRows(
      table,
      group.map((update) => update.change),
    );
  const finishes = writes.flatMap((write) => (write.kind === "finish" ? [write] : []));
  const finished = new Map((await finishRuns(tx, finishes)).map((row) => [row.id, row]));
  const skipping = finishes.filter((finish) => finish.skipPending).map((finish) => finish.runId);
  if (skipping.length > 0)
    await tx
      .update(workflowRunSteps)
      .set({ status: "skipped" })
      .where(and(inJsonList(workflowRunSteps.runId, skipping), eq(workflowRunSteps.status, "pending")));
  return writes.map((write) => (write.kind === "finish" ? finished.get(write.runId) : undefined));
}

/** The runs' outcomes, returning their rows: on PostgreSQL one statement for them all. */
async function finishRuns(tx: Db, finishes: Extract<Write, { kind: "finish" }>[]): Promise<WorkflowRunRow[]> {
  if (finishes.length === 0) return [];
  if (usingPostgres() && finishes.length > 1) {
    const outcomes = finishes.map(({ runId, outcome }) => ({ id: runId, ...outcome }));
    return tx
      .update(workflowRuns)
      .set({ status: sql`outcome.status`, output: sql`outcome.output`, error: sql`outcome.error`, finishedAt: sql`outcome.finished_at` })
      .from(sql`(${jsonRecordset(workflowRuns, ["id", "status", "output", "error", "finishedAt"], outcomes)}) as outcome`)
      .where(sql`${workflowRuns.id} = outcome.id`)
      .returning();
  }
  const rows: WorkflowRunRow[] = [];
  for (const { runId, outcome } of finishes) rows.push(...(await tx.update(workflowRuns).set(outcome).where(eq(workflowRuns.id, runId)).returning()));
  return rows;
}
