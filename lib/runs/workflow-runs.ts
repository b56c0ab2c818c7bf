import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db, transaction } from "@/db/client";
import { liveInstanceId } from "@/db/instance";
import { runTriggers, workflowRuns, workflowRunSteps } from "@/db/schema";
import { type Actor, log, describeIssues, formatIssues, openSpan, recordRun, SpanStatusCode, TraceAttributes, type Issue } from "@/lib/platform";
import { withinWorkspace } from "@/lib/connections";
import { requestContextFor } from "@/lib/tools";
import { findWorkflow, mastra } from "@/lib/mastra";
import { announceRun } from "./run-events";
import { recordProgress, recordRunOutcome, recordRunStart } from "./run-writes";
import { forHistory } from "./run-history";
import { assertReadyToStart, MissingConnectionsError } from "./workflow-readiness";

export type RunTrigger = (typeof runTriggers)[number];
export type WorkflowRunRow = typeof workflowRuns.$inferSelect;
export type WorkflowStepRow = typeof workflowRunSteps.$inferSelect;

export class RunInputError extends Error {
  override name = "RunInputError";
  constructor(readonly issues: Issue[]) {
    super(describeIssues(issues, "input"));
  }
}

const stepEvent = z.object({
  type: z.enum(["workflow-step-start", "workflow-step-result"]),
  payload: z.object({
    id: z.string(),
    status: z.string(),
    payload: z.unknown().optional(),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
    startedAt: z.number().optional(),
    endedAt: z.number().optional(),
  }),
});

function errorText(error: unknown): string | null {
  if (error === undefined || error === null) return null;
  if (typeof error === "string") return error;
  return (error as { message?: string }).message ?? JSON.stringify(error);
}

async function updateStep(runId: string, values: Partial<WorkflowStepRow>, stepId: string): Promise<void> {
  await recordProgress(workflowRunSteps, values, { runId, stepId });
}

async function findRun(runId: string): Promise<WorkflowRunRow> {
  const [row] = await db().select().from(workflowRuns).where(eq(workflowRuns.id, runId)).limit(1);
  return row!;
}

export type StartedRun = { runId: string; finished: Promise<WorkflowRunRow> };

/**
 * Starts a workflow for a user. The run and its steps are recorded in Patchbay's tables as Mastra
 * streams step events, so the run page updates live and history survives a restart; the run names
 * this process as its runner, so it is marked failed if the process stops first
 * (lib/runs/interrupted-runs.ts). The request context carries only the user id; tools fetch
 * credentials themselves.
 */
export async function startWorkflowRun(
  actor: Actor,
  workflowId: string,
  rawInput: unknown,
  options: { trigger: RunTrigger; deliveryId?: number } = { trigger: "manual" },
): Promise<StartedRun> {
  const entry = findWorkflow(workflowId);
  if (!entry) throw new Error(`There is no workflow "${workflowId}".`);
  const parsed = entry.inputSchema.safeParse(rawInput);
  if (!parsed.success) throw new RunInputError(formatIssues(parsed.error));
  await assertReadyToStart(actor, workflowId);
  const workflow = mastra().getWorkflow(workflowId);
  const run = await workflow.createRun();
  const startedAt = Date.now();
  const runnerInstance = await liveInstanceId();
  // Written with the other runs' records of this turn (./run-writes.ts): a delivery's processing starts a run each time.
  await recordRunStart(
    {
      id: run.runId,
      userId: actor.userId,
      workspaceId: actor.workspaceId,
      workflowId,
      trigger: options.trigger,
      deliveryId: options.deliveryId,
      input: forHistory(parsed.data),
      status: "running",
      startedAt,
      runnerInstance,
    },
    entry.steps.map((stepId, position) => ({ runId: run.runId, stepId, position, status: "pending" as const })),
  );
  announceRun({ workspaceId: actor.workspaceId, runId: run.runId, status: "running" });

  // A span for the run (when tracing is on), a child of what started it (a delivery's processing); Mastra's steps run inside it.
  const traced = openSpan(`workflow run ${workflowId}`, {
    attributes: {
      [TraceAttributes.runId]: run.runId,
      [TraceAttributes.workflowId]: workflowId,
      ...(options.deliveryId !== undefined ? { [TraceAttributes.deliveryId]: options.deliveryId } : {}),
    },
  });
  return withinWorkspace(actor.workspaceId, () =>
    traced.within(() => {
      const output = run.stream({ inputData: parsed.data as never, requestContext: requestContextFor(actor) });
      const finished = follow(actor.workspaceId, workflowId, workflow, run.runId, output)
        .then((row) => {
          if (row.status === "failed") traced.span.setStatus({ code: SpanStatusCode.ERROR, message: "run failed" });
          return row;
        })
        .finally(() => traced.span.end());
      return { runId: run.runId, finished };
    }),
  );
}

type MastraWorkflow = ReturnType<ReturnType<typeof mastra>["getWorkflow"]>;
type RunOutput = ReturnType<Awaited<ReturnType<MastraWorkflow["createRun"]>>["stream"]>;

/**
 * Records a run's step events as Mastra streams them, then its outcome; steps never reached are
 * marked skipped. The step writes run one after another beside the run rather than holding it up,
 * and a step that ends in the turn it started is written once (a step that calls out is shown
 * running a turn after it starts). Mastra's snapshot of the finished run is dropped: Patchbay's
 * tables are the history.
 */
function follow(workspaceId: string, workflowId: string, workflow: MastraWorkflow, runId: string, output: RunOutput): Promise<WorkflowRunRow> {
  let writes: Promise<void> = Promise.resolve();
  const write = (stepId: string, values: Partial<WorkflowStepRow>, status: string) => {
    writes = writes.then(async () => {
      await updateStep(runId, values, stepId);
      announceRun({ workspaceId, runId, stepId, status });
    });
    // Awaited once the stream ends; until then a failed write must not count as unhandled.
    writes.catch(() => undefined);
  };
  const starting = new Map<string, Partial<WorkflowStepRow>>();
  const ended = new Set<string>();
  return (
    (async () => {
      try {
        for await (const event of output.fullStream) {
          const step = stepEvent.safeParse(event);
          if (!step.success) continue;
          const { id, status, payload, output: stepOutput, error, startedAt: stepStarted, endedAt } = step.data.payload;
          if (step.data.type === "workflow-step-start") {
            starting.set(id, { status: "running", input: forHistory(payload ?? null), startedAt: stepStarted ?? Date.now() });
            setImmediate(() => {
              const values = starting.get(id);
              if (!values) return;
              starting.delete(id);
              write(id, values, status);
            });
          } else {
            const start = starting.get(id);
            starting.delete(id);
            ended.add(id);
            write(
              id,
              {
                ...start,
                status: status === "success" ? "success" : "failed",
                output: forHistory(stepOutput ?? null),
                error: errorText(error),
                endedAt: endedAt ?? Date.now(),
              },
              status,
            );
          }
        }
      } finally {
        // A start still waiting for its turn is written first: the writes below must find the row as the run left it.
        for (const [id, values] of starting) write(id, values, "running");
        starting.clear();
        await writes;
      }
      const result = await output.result;
      const status = result.status === "success" ? "success" : "failed";
      const failure = "error" in result ? errorText(result.error) : null;
      // Steps never reached are left pending by Mastra's stream: they are marked skipped with the outcome.
      const finished = await recordRunOutcome(
        runId,
        {
          status,
          output: "result" in result ? forHistory(result.result ?? null) : null,
          error: status === "failed" ? (failure ?? `Run ended ${result.status}`) : null,
          finishedAt: Date.now(),
        },
        !findWorkflow(workflowId)?.steps.every((stepId) => ended.has(stepId)),
      );
      recordRun("workflow", status === "success" ? "succeeded" : "failed");
      announceRun({ workspaceId, runId, status });
      return finished;
    })()
      .catch(async (error: unknown) => {
        log.error("workflow run crashed", { run: runId, workflow: workflowId, error: (error as Error).message });
        await writes.catch(() => undefined);
        await db()
          .update(workflowRuns)
          .set({ status: "failed", error: (error as Error).message, finishedAt: Date.now() })
          .where(eq(workflowRuns.id, runId));
        recordRun("workflow", "failed");
        announceRun({ workspaceId, runId, status: "failed" });
        return findRun(runId);
      })
      // Patchbay's tables are the run history; Mastra's snapshot of a finished run would otherwise
      // pile up in its in-memory store for as long as the server runs.
      .finally(() =>
        workflow
          .deleteWorkflowRunById(runId)
          .catch((error: unknown) => log.warn("could not drop a finished run's snapshot", { run: runId, error: (error as Error).message })),
      )
  );
}

export class RerunError extends Error {
  override name = "RerunError";
}

/**
 * Runs a failed run again from its failed step (Mastra's time travel), reusing the outputs of the
 * steps before it, so what they created is not created twice. The new run is its own row, linked
 * to the one it continues; the earlier steps show as succeeded with their recorded outputs.
 */
export async function rerunFromFailedStep(actor: Actor, failedRunId: string, trigger: RunTrigger = "manual"): Promise<StartedRun> {
  const found = await getWorkflowRun(actor.workspaceId, failedRunId);
  if (!found) throw new RerunError("There is no such run.");
  const { run: failed, steps } = found;
  if (failed.status !== "failed") throw new RerunError("Only a failed run can be run again from its failed step.");
  const failedAt = steps.findIndex((step) => step.status === "failed");
  if (failedAt < 0) throw new RerunError("This run has no failed step to start from; start the workflow again instead.");
  const earlier = steps.slice(0, failedAt);
  if (earlier.some((step) => step.status !== "success"))
    throw new RerunError("A step before the failed one did not succeed; start the workflow again instead.");
  const entry = findWorkflow(failed.workflowId);
  if (!entry) throw new RerunError(`There is no workflow "${failed.workflowId}" any more.`);
  // Re-running before fixing what is missing would only fail again.
  await assertReadyToStart(actor, failed.workflowId).catch((error: unknown) => {
    throw error instanceof MissingConnectionsError ? new RerunError(error.message) : error;
  });
  const workflow = mastra().getWorkflow(failed.workflowId);
  const run = await workflow.createRun();
  const startedAt = Date.now();
  const runnerInstance = await liveInstanceId();
  await transaction(async (tx) => {
    await tx.insert(workflowRuns).values({
      id: run.runId,
      userId: actor.userId,
      workspaceId: actor.workspaceId,
      workflowId: failed.workflowId,
      trigger,
      deliveryId: failed.deliveryId,
      input: failed.input,
      status: "running",
      startedAt,
      resumedFromRunId: failed.id,
      runnerInstance,
    });
    await tx.insert(workflowRunSteps).values(
      steps.map((step, position) =>
        position < failedAt
          ? {
              runId: run.runId,
              stepId: step.stepId,
              position,
              status: "success" as const,
              input: step.input,
              output: step.output,
              startedAt: step.startedAt,
              endedAt: step.endedAt,
            }
          : { runId: run.runId, stepId: step.stepId, position, status: "pending" as const, input: null, output: null, startedAt: null, endedAt: null },
      ),
    );
  });
  announceRun({ workspaceId: actor.workspaceId, runId: run.runId, status: "running" });
  const context = Object.fromEntries(
    earlier.map((step, position) => [
      step.stepId,
      {
        status: "success" as const,
        payload: step.input ?? (position === 0 ? failed.input : undefined),
        output: step.output,
        startedAt: step.startedAt ?? startedAt,
        endedAt: step.endedAt ?? startedAt,
      },
    ]),
  );
  return withinWorkspace(actor.workspaceId, () => {
    const output = run.timeTravelStream({
      step: steps[failedAt]!.stepId,
      context,
      // The first step's input is the workflow's; a later one's is the step before it's output.
      inputData: failedAt === 0 ? failed.input : earlier.at(-1)!.output,
      requestContext: requestContextFor(actor),
    });
    return { runId: run.runId, finished: follow(actor.workspaceId, failed.workflowId, workflow, run.runId, output as RunOutput) };
  });
}

export async function getWorkflowRun(workspaceId: string, runId: string): Promise<{ run: WorkflowRunRow; steps: WorkflowStepRow[] } | undefined> {
  const [run] = await db()
    .select()
    .from(workflowRuns)
    .where(and(eq(workflowRuns.id, runId), eq(workflowRuns.workspaceId, workspaceId)))
    .limit(1);
  if (!run) return undefined;
  const steps = await db().select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, runId)).orderBy(asc(workflowRunSteps.position));
  return { run, steps };
}

export async function listWorkflowRuns(workspaceId: string, workflowId?: string, limit = 50): Promise<WorkflowRunRow[]> {
  return db()
    .select()
    .from(workflowRuns)
    .where(workflowId ? and(eq(workflowRuns.workspaceId, workspaceId), eq(workflowRuns.workflowId, workflowId)) : eq(workflowRuns.workspaceId, workspaceId))
    .orderBy(desc(workflowRuns.startedAt))
    .limit(limit);
}
