import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { workflowRuns, workflowRunSteps } from "@/db/schema";
import { log } from "@/lib/log";
import { requestContextFor } from "./context";
import { findWorkflow, mastra } from "./index";
import { announceRun } from "./run-events";
import { forHistory } from "./run-history";

export type RunTrigger = "manual" | "webhook" | "replay";
export type WorkflowRunRow = typeof workflowRuns.$inferSelect;
export type WorkflowStepRow = typeof workflowRunSteps.$inferSelect;

export class RunInputError extends Error {
  override name = "RunInputError";
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((issue) => `${issue.path || "input"}: ${issue.message}`).join("; "));
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

function updateStep(runId: string, values: Partial<WorkflowStepRow>, stepId: string): void {
  db().update(workflowRunSteps).set(values).where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.stepId, stepId))).run();
}

export type StartedRun = { runId: string; finished: Promise<WorkflowRunRow> };

/**
 * Starts a workflow for a user. The run and its steps are recorded in Patchbay's tables as Mastra
 * streams step events, so the run page updates live and history survives a restart. The request
 * context carries only the user id; tools fetch credentials themselves.
 */
export async function startWorkflowRun(
  userId: string,
  workflowId: string,
  rawInput: unknown,
  options: { trigger: RunTrigger; deliveryId?: number } = { trigger: "manual" },
): Promise<StartedRun> {
  const entry = findWorkflow(workflowId);
  if (!entry) throw new Error(`There is no workflow "${workflowId}".`);
  const parsed = entry.inputSchema.safeParse(rawInput);
  if (!parsed.success) throw new RunInputError(parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })));
  const workflow = mastra().getWorkflow(workflowId);
  const run = await workflow.createRun();
  const startedAt = Date.now();
  db().transaction((tx) => {
    tx.insert(workflowRuns)
      .values({ id: run.runId, userId, workflowId, trigger: options.trigger, deliveryId: options.deliveryId, input: forHistory(parsed.data), status: "running", startedAt })
      .run();
    entry.steps.forEach((stepId, position) => tx.insert(workflowRunSteps).values({ runId: run.runId, stepId, position, status: "pending" }).run());
  });
  announceRun({ userId, runId: run.runId, status: "running" });

  const output = run.stream({ inputData: parsed.data as never, requestContext: requestContextFor(userId) });
  const finished = (async () => {
    for await (const event of output.fullStream) {
      const step = stepEvent.safeParse(event);
      if (!step.success) continue;
      const { id, status, payload, output: stepOutput, error, startedAt: stepStarted, endedAt } = step.data.payload;
      if (step.data.type === "workflow-step-start") {
        updateStep(run.runId, { status: "running", input: forHistory(payload ?? null), startedAt: stepStarted ?? Date.now() }, id);
      } else {
        updateStep(run.runId, { status: status === "success" ? "success" : "failed", output: forHistory(stepOutput ?? null), error: errorText(error), endedAt: endedAt ?? Date.now() }, id);
      }
      announceRun({ userId, runId: run.runId, stepId: id, status });
    }
    const result = await output.result;
    const status = result.status === "success" ? "success" : "failed";
    const failure = "error" in result ? errorText(result.error) : null;
    db()
      .update(workflowRuns)
      .set({ status, output: "result" in result ? forHistory(result.result ?? null) : null, error: status === "failed" ? (failure ?? `Run ended ${result.status}`) : null, finishedAt: Date.now() })
      .where(eq(workflowRuns.id, run.runId))
      .run();
    db()
      .update(workflowRunSteps)
      .set({ status: "skipped" })
      .where(and(eq(workflowRunSteps.runId, run.runId), eq(workflowRunSteps.status, "pending")))
      .run();
    announceRun({ userId, runId: run.runId, status });
    return db().select().from(workflowRuns).where(eq(workflowRuns.id, run.runId)).get()!;
  })()
    .catch((error: unknown) => {
      log.error("workflow run crashed", { run: run.runId, workflow: workflowId, error: (error as Error).message });
      db().update(workflowRuns).set({ status: "failed", error: (error as Error).message, finishedAt: Date.now() }).where(eq(workflowRuns.id, run.runId)).run();
      announceRun({ userId, runId: run.runId, status: "failed" });
      return db().select().from(workflowRuns).where(eq(workflowRuns.id, run.runId)).get()!;
    })
    // Patchbay's tables are the run history; Mastra's snapshot of a finished run would otherwise
    // pile up in its in-memory store for as long as the server runs.
    .finally(() => workflow.deleteWorkflowRunById(run.runId).catch((error: unknown) => log.warn("could not drop a finished run's snapshot", { run: run.runId, error: (error as Error).message })));
  return { runId: run.runId, finished };
}

/** Runs that were in flight when the process stopped can never finish: say so at start-up. */
export function failInterruptedRuns(): number {
  return db()
    .update(workflowRuns)
    .set({ status: "failed", error: "Interrupted: Patchbay restarted while this run was in progress.", finishedAt: Date.now() })
    .where(eq(workflowRuns.status, "running"))
    .run().changes;
}

export function getWorkflowRun(userId: string, runId: string) {
  const run = db().select().from(workflowRuns).where(and(eq(workflowRuns.id, runId), eq(workflowRuns.userId, userId))).get();
  if (!run) return undefined;
  const steps = db().select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, runId)).orderBy(asc(workflowRunSteps.position)).all();
  return { run, steps };
}

export function listWorkflowRuns(userId: string, workflowId?: string, limit = 50): WorkflowRunRow[] {
  return db()
    .select()
    .from(workflowRuns)
    .where(workflowId ? and(eq(workflowRuns.userId, userId), eq(workflowRuns.workflowId, workflowId)) : eq(workflowRuns.userId, userId))
    .orderBy(desc(workflowRuns.startedAt))
    .limit(limit)
    .all();
}
