import "server-only";
import { noopLogger } from "@mastra/core/logger";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { automationRunSteps } from "@/db/schema";
import type { Actor } from "@/lib/platform";
import { announceRun, forHistory, recordProgress } from "@/lib/runs";
import type { AutomationRunRow, AutomationStepRow } from "./run-rows";
import type { RunScope } from "./scope";
import { runStep } from "./steps";
import type { Automation } from "./store";

/**
 * The Mastra workflow an automation's attempts run, built once per saved version, and what each
 * running attempt's steps work with (found by Mastra's run id). lib/automations/execute.ts starts
 * and records the attempts.
 */

/**
 * A step's record that waits for the commit ending the attempt: a step that only evaluates (a
 * condition, or a step skipped by one: doing it again after a crash changes nothing outside), or
 * the last step's outcome (the commit follows it at once, so a crash loses no more than before).
 */
export type DeferredStep = Omit<typeof automationRunSteps.$inferInsert, "runId" | "stepKey" | "kind" | "position">;

async function recordStep(runId: string, position: number, values: Partial<AutomationStepRow>): Promise<void> {
  await recordProgress(automationRunSteps, values, { runId, position });
}

/**
 * What one attempt's steps share: the original error of the step that failed (Mastra hands back its
 * own copy; the original says whether retrying can help), the records kept for the last commit,
 * and each workflow step's run.
 */
export type AttemptState = { failed: { error?: unknown }; deferredSteps: Map<number, DeferredStep>; workflowRunIds: Map<number, string> };

/** What a running attempt's steps work with, found by Mastra's run id (the workflow is shared by every attempt of a version). */
type RunningAttempt = {
  run: AutomationRunRow;
  actor: Actor;
  scope: RunScope;
  reusable: Map<number, AutomationStepRow>;
  attempt: number;
  state: AttemptState;
  /** A condition that failed with "skip-next" skips the step after it. */
  skipNext: boolean;
};

export const attempts = new Map<string, RunningAttempt>();

/** Each automation's Mastra workflow, built once per saved version (steps, their zod schemas) rather than on every attempt. */
const workflows = new Map<string, ReturnType<typeof buildWorkflow>>();
const WORKFLOWS_KEPT = 500;

export function workflowOf(automation: Automation): ReturnType<typeof buildWorkflow> {
  const key = `${automation.id}:${automation.version}:${automation.updatedAt}`;
  let workflow = workflows.get(key);
  if (!workflow) {
    workflow = buildWorkflow(automation);
    if (workflows.size >= WORKFLOWS_KEPT) workflows.delete(workflows.keys().next().value!);
    workflows.set(key, workflow);
  }
  return workflow;
}

/** The Mastra workflow an automation's attempts run: a step per automation step, in order. */
function buildWorkflow(automation: Automation) {
  const steps = automation.definition.steps.map((definitionStep, position) =>
    createStep({
      id: definitionStep.key,
      description: definitionStep.name ?? definitionStep.kind,
      inputSchema: z.unknown(),
      outputSchema: z.unknown(),
      execute: async ({ bail, runId }) => {
        const self = attempts.get(runId)!;
        const { run, actor, scope, reusable, attempt, state } = self;
        const announce = (status: string) => announceRun({ workspaceId: run.workspaceId, runId: run.id, stepId: definitionStep.key, status });
        const kept = reusable.get(position);
        if (kept) {
          scope.steps[definitionStep.key] = kept.output;
          announce("succeeded");
          return kept.output;
        }
        if (self.skipNext) {
          self.skipNext = false;
          state.deferredSteps.set(position, { status: "skipped", attempt, input: null, output: null, error: null, startedAt: null, endedAt: null });
          announce("skipped");
          return null;
        }
        const stepStarted = Date.now();
        // A condition only evaluates: its record waits for the commit that ends the attempt, as does
        // the last step's outcome (that commit follows it at once). A workflow step shows "running"
        // with its workflow run once that has started; other steps as they start.
        const evaluatesOnly = definitionStep.kind === "condition";
        const recordAtEnd = evaluatesOnly || position === automation.definition.steps.length - 1;
        if (!evaluatesOnly && definitionStep.kind !== "workflow") {
          await recordStep(run.id, position, { status: "running", attempt, startedAt: stepStarted, endedAt: null, error: null });
          announce("running");
        }
        try {
          const done = await runStep(definitionStep, scope, {
            actor,
            dryRun: run.dryRun,
            deliveryId: run.deliveryId ?? undefined,
            previousWorkflowRunId: state.workflowRunIds.get(position),
            onWorkflowRun: async (workflowRunId) => {
              state.workflowRunIds.set(position, workflowRunId);
              await recordStep(run.id, position, { status: "running", attempt, startedAt: stepStarted, endedAt: null, error: null, workflowRunId });
              announce("running");
            },
          });
          scope.steps[definitionStep.key] = done.output;
          const record: DeferredStep = {
            status: "succeeded",
            attempt,
            startedAt: stepStarted,
            input: forHistory(done.input ?? null, done.secretFields),
            output: forHistory(done.output ?? null),
            error: null,
            endedAt: Date.now(),
          };
          if (recordAtEnd) state.deferredSteps.set(position, record);
          else await recordStep(run.id, position, record);
          announce("succeeded");
          if (done.stop) return bail(done.output);
          if (done.skipNext) self.skipNext = true;
          return done.output;
        } catch (error) {
          const failure = error as Error & { input?: unknown };
          const record: DeferredStep = {
            status: "failed",
            attempt,
            startedAt: stepStarted,
            error: failure.message?.slice(0, 2000) ?? String(error),
            input: failure.input === undefined ? null : forHistory(failure.input),
            output: null,
            endedAt: Date.now(),
          };
          if (recordAtEnd) state.deferredSteps.set(position, record);
          else await recordStep(run.id, position, record);
          announce("failed");
          state.failed.error = error;
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
  // A failed step is recorded on the run and logged once by attemptRuns; Mastra's own logger would print it again with a stack.
  committed.__setLogger(noopLogger);
  return committed;
}
