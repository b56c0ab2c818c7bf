import "server-only";
import { noopLogger } from "@mastra/core/logger";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { db, type Db, transaction } from "@/db/client";
import { automationRunAttempts, automationRuns, automationRunSteps } from "@/db/schema";
import { roleIn } from "@/lib/auth";
import { type Actor, inSpan, log, recordRun, TraceAttributes } from "@/lib/platform";
import { announceRun, forHistory } from "@/lib/runs";
import type { AutomationDefinition, AutomationStep } from "./definition";
import { ExpressionError } from "./expressions";
import { type RunScope, StepFailure } from "./scope";
import { runStep } from "./steps";
import type { Automation } from "./store";

export type { RunScope } from "./scope";
export type AutomationRunRow = typeof automationRuns.$inferSelect;
export type AutomationStepRow = typeof automationRunSteps.$inferSelect;

export type AttemptOutcome = { ok: true } | { ok: false; error: string; permanent: boolean };

/** A failure the next attempt would meet again unchanged: a mapping, a schema, a missing tool or person. */
function isPermanent(error: unknown): boolean {
  return error instanceof ExpressionError || (error instanceof StepFailure && error.permanent);
}

async function recordStep(runId: string, position: number, values: Partial<AutomationStepRow>): Promise<void> {
  await db()
    .update(automationRunSteps)
    .set(values)
    .where(and(eq(automationRunSteps.runId, runId), eq(automationRunSteps.position, position)));
}

export async function runSteps(runId: string): Promise<AutomationStepRow[]> {
  return db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).orderBy(asc(automationRunSteps.position));
}

/**
 * The steps an attempt starts from. Steps that succeeded in an earlier attempt keep their output
 * (they are reused, so what they created is not created twice) up to the first that did not; a
 * fresh attempt (a replay) or a changed list of steps starts over.
 */
async function prepareSteps(tx: Db, run: AutomationRunRow, definition: AutomationDefinition, fresh: boolean): Promise<Map<number, AutomationStepRow>> {
  const existing = await tx.select().from(automationRunSteps).where(eq(automationRunSteps.runId, run.id)).orderBy(asc(automationRunSteps.position));
  const sameSteps = existing.length === definition.steps.length && existing.every((row, position) => row.stepKey === definition.steps[position]!.key);
  const reusable = new Map<number, AutomationStepRow>();
  if (sameSteps && !fresh) {
    for (const row of existing) {
      if (row.status !== "succeeded" || row.kind === "condition") break;
      reusable.set(row.position, row);
    }
  }
  if (existing.length > 0) await tx.delete(automationRunSteps).where(eq(automationRunSteps.runId, run.id));
  await tx.insert(automationRunSteps).values(
    definition.steps.map((step, position) => {
      const kept = reusable.get(position);
      return kept
        ? { ...kept, reused: true }
        : {
            runId: run.id,
            position,
            stepKey: step.key,
            kind: step.kind,
            status: "pending" as const,
            reused: false,
            workflowRunId: existingWorkflowRun(existing, position, step),
          };
    }),
  );
  return reusable;
}

/** A workflow step that failed keeps its workflow run, so the next attempt continues that run from its failed step. */
function existingWorkflowRun(existing: AutomationStepRow[], position: number, step: AutomationStep): string | null {
  const row = existing[position];
  return step.kind === "workflow" && row?.stepKey === step.key && row.status === "failed" ? row.workflowRunId : null;
}

/** Who the run acts as: whoever started it by hand, the automation's author, or (a shipped one) `fallback`. */
async function actingPerson(run: AutomationRunRow, automation: Automation, fallback: string | undefined): Promise<string> {
  const chosen = run.startedBy ?? automation.createdBy;
  if (!chosen) {
    if (!fallback) throw new StepFailure("No one in this workspace can act for this run: its endpoint's maker and every owner are gone.", true);
    return fallback;
  }
  if (!(await roleIn(chosen, automation.workspaceId)))
    throw new StepFailure("The person this automation acts as is no longer a member of the workspace; an admin can save a copy as their own.", true);
  return chosen;
}

/**
 * One attempt of a run, as a Mastra workflow built from the automation's steps: each step maps its
 * input from the scope with its expression, does its work, and is recorded as it starts and ends
 * (the run page follows live). A condition that fails stops the run (Mastra's bail) or skips the
 * next step. Returns whether the attempt succeeded and, if not, whether another could help.
 */
export async function attemptRun(
  run: AutomationRunRow,
  automation: Automation,
  base: Omit<RunScope, "steps">,
  options: {
    fallbackPerson?: string;
    fresh?: boolean;
    now?: () => number;
    /** The run's columns after this attempt, written in the attempt's last commit. */
    settle?: (outcome: AttemptOutcome) => Partial<AutomationRunRow> | undefined;
  } = {},
): Promise<AttemptOutcome> {
  const now = options.now ?? Date.now;
  const number = run.attempts + 1;
  const startedAt = now();
  const definition = automation.definition;
  // One commit starts the attempt: the run, its attempt row (an attempt still "running" here was cut off by a stopped process), its steps.
  const reusable = await transaction(async (tx) => {
    await tx.update(automationRuns).set({ status: "running", attempts: number, error: null }).where(eq(automationRuns.id, run.id));
    if (run.attempts > 0)
      await tx
        .update(automationRunAttempts)
        .set({ outcome: "failed", error: "interrupted (the process running it stopped)" })
        .where(and(eq(automationRunAttempts.runId, run.id), eq(automationRunAttempts.outcome, "running")));
    await tx
      .insert(automationRunAttempts)
      .values({ runId: run.id, number, startedAt, outcome: "running" })
      .onConflictDoUpdate({ target: [automationRunAttempts.runId, automationRunAttempts.number], set: { startedAt, outcome: "running", error: null } });
    return prepareSteps(tx, run, definition, options.fresh ?? false);
  });
  announceRun({ workspaceId: run.workspaceId, runId: run.id, status: "running" });

  const scope: RunScope = { ...base, steps: {} };
  let outcome: AttemptOutcome;
  try {
    const userId = await actingPerson(run, automation, options.fallbackPerson);
    const actor: Actor = { userId, workspaceId: automation.workspaceId };
    // Mastra hands back its own copy of a step's error; the step keeps the original, which says whether retrying can help.
    const failed: { error?: unknown } = {};
    const workflow = buildWorkflow(run, automation, actor, scope, reusable, number, failed);
    const mastraRun = await workflow.createRun();
    // The attempt is a span of its own under the delivery's processing (or nothing, with tracing off): its workflow runs and calls nest in it.
    const result = await inSpan(
      `automation run ${run.id}`,
      { attributes: { [TraceAttributes.automationId]: automation.id, [TraceAttributes.runId]: run.id, [TraceAttributes.attempt]: number } },
      () => mastraRun.start({ inputData: {} }),
    );
    if (result.status === "success") outcome = { ok: true };
    else {
      const error = failed.error ?? ("error" in result ? result.error : undefined);
      outcome = { ok: false, error: (error as Error | undefined)?.message ?? `The run ended ${result.status}.`, permanent: isPermanent(error) };
    }
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message ?? String(error), permanent: isPermanent(error) };
  }
  const finishedAt = now();
  // One commit ends it: the attempt's outcome, steps never reached, and (when the caller says how) the run.
  await transaction(async (tx) => {
    await tx
      .update(automationRunAttempts)
      .set({ durationMs: finishedAt - startedAt, outcome: outcome.ok ? "succeeded" : "failed", error: outcome.ok ? null : outcome.error.slice(0, 2000) })
      .where(and(eq(automationRunAttempts.runId, run.id), eq(automationRunAttempts.number, number)));
    await tx
      .update(automationRunSteps)
      .set({ status: "skipped" })
      .where(and(eq(automationRunSteps.runId, run.id), eq(automationRunSteps.status, "pending")));
    const settled = options.settle?.(outcome);
    if (settled) await tx.update(automationRuns).set(settled).where(eq(automationRuns.id, run.id));
  });
  recordRun("automation", outcome.ok ? "succeeded" : "failed");
  if (!outcome.ok) log.warn("automation run attempt failed", { run: run.id, automation: automation.id, attempt: number, error: outcome.error });
  return outcome;
}

/** The Mastra workflow one attempt runs: a step per automation step, in order. */
function buildWorkflow(
  run: AutomationRunRow,
  automation: Automation,
  actor: Actor,
  scope: RunScope,
  reusable: Map<number, AutomationStepRow>,
  attempt: number,
  failed: { error?: unknown },
) {
  let skipNext = false;
  const announce = (stepId: string, status: string) => announceRun({ workspaceId: run.workspaceId, runId: run.id, stepId, status });
  const steps = automation.definition.steps.map((definitionStep, position) =>
    createStep({
      id: definitionStep.key,
      description: definitionStep.name ?? definitionStep.kind,
      inputSchema: z.unknown(),
      outputSchema: z.unknown(),
      execute: async ({ bail }) => {
        const kept = reusable.get(position);
        if (kept) {
          scope.steps[definitionStep.key] = kept.output;
          announce(definitionStep.key, "succeeded");
          return kept.output;
        }
        if (skipNext) {
          skipNext = false;
          await recordStep(run.id, position, { status: "skipped", attempt });
          announce(definitionStep.key, "skipped");
          return null;
        }
        const stepStarted = Date.now();
        // A condition only evaluates: its one write is its result. Steps that call out show "running" while they do.
        if (definitionStep.kind !== "condition") {
          await recordStep(run.id, position, { status: "running", attempt, startedAt: stepStarted, endedAt: null, error: null });
          announce(definitionStep.key, "running");
        }
        try {
          const [previous] =
            definitionStep.kind === "workflow"
              ? await db()
                  .select({ workflowRunId: automationRunSteps.workflowRunId })
                  .from(automationRunSteps)
                  .where(and(eq(automationRunSteps.runId, run.id), eq(automationRunSteps.position, position)))
              : [];
          const done = await runStep(definitionStep, scope, {
            actor,
            dryRun: run.dryRun,
            deliveryId: run.deliveryId ?? undefined,
            previousWorkflowRunId: previous?.workflowRunId ?? undefined,
            onWorkflowRun: (workflowRunId) => recordStep(run.id, position, { workflowRunId }),
          });
          scope.steps[definitionStep.key] = done.output;
          await recordStep(run.id, position, {
            status: "succeeded",
            attempt,
            startedAt: stepStarted,
            input: forHistory(done.input ?? null, done.secretFields),
            output: forHistory(done.output ?? null),
            endedAt: Date.now(),
          });
          announce(definitionStep.key, "succeeded");
          if (done.stop) return bail(done.output);
          if (done.skipNext) skipNext = true;
          return done.output;
        } catch (error) {
          const failure = error as Error & { input?: unknown };
          await recordStep(run.id, position, {
            status: "failed",
            attempt,
            startedAt: stepStarted,
            error: failure.message?.slice(0, 2000) ?? String(error),
            input: failure.input === undefined ? null : forHistory(failure.input),
            endedAt: Date.now(),
          });
          announce(definitionStep.key, "failed");
          failed.error = error;
          throw error;
        }
      },
    }),
  );
  let workflow = createWorkflow({
    id: `automation-${automation.id}`,
    description: automation.name,
    inputSchema: z.unknown(),
    outputSchema: z.unknown(),
    options: { validateInputs: false },
  });
  for (const step of steps) workflow = workflow.then(step) as typeof workflow;
  const committed = workflow.commit();
  // A failed step is recorded on the run and logged once by attemptRun; Mastra's own logger would print it again with a stack.
  committed.__setLogger(noopLogger);
  return committed;
}
