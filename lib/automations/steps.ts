import "server-only";
import { noopObserve } from "@mastra/core/tools";
import { findConnection, inConnectionScope } from "@/lib/connections";
import { BlockedRequestError, HttpError, httpRequest } from "@/lib/http";
import { describeIssues } from "@/lib/platform";
import { failureText, getWorkflowRun, isFailure, rerunFromFailedStep, startWorkflowRun, RunInputError } from "@/lib/runs";
import { findUserTool, requestContextFor, toolInputSchema, writesWith } from "@/lib/tools";
import { findWorkflow } from "@/lib/mastra";
import type { AutomationStep } from "./definition";
import { evaluateExpression, passes } from "./expressions";
import { type RunScope, type StepContext, type StepDone, StepFailure } from "./scope";
import { runAgentStep } from "./agent-step";

export { StepFailure };

const FORWARD_TIMEOUT_MS = 15_000;

/** What would have been called, in a dry run: nothing that changes anything is. */
function wouldCall(what: string, input: unknown): StepDone {
  return { input, output: { dryRun: true, skipped: `${what} changes something, so a dry run does not call it`, wouldSend: input } };
}

async function toolStep(step: Extract<AutomationStep, { kind: "tool" }>, scope: RunScope, context: StepContext): Promise<StepDone> {
  const { actor } = context;
  const entry = await findUserTool(actor.workspaceId, step.toolId);
  if (!entry) throw new StepFailure(`There is no tool "${step.toolId}" in this workspace (was its API removed?).`, true);
  const input = await evaluateExpression(step.input, scope, `the input of step ${step.key}`);
  const parsed = toolInputSchema(entry).safeParse(input ?? {});
  if (!parsed.success)
    throw new StepFailure(`The input of step ${step.key} does not fit ${step.toolId}: ${describeIssues(parsed.error, "input")}`, true, input);
  const secretFields = entry.secretFields ?? [];
  if (context.dryRun && writesWith(entry.access, parsed.data)) return { ...wouldCall(`The tool ${step.toolId}`, parsed.data), secretFields };
  const chosen: Record<string, string> = {};
  for (const [providerId, connectionId] of Object.entries(step.accounts ?? {})) {
    const connection = await findConnection(actor.userId, connectionId, actor.workspaceId);
    if (connection?.providerId !== providerId)
      throw new StepFailure(`Step ${step.key} uses a ${providerId} connection that is gone or not shared with this workspace; choose another.`, true);
    chosen[providerId] = connectionId;
  }
  const { result } = await inConnectionScope(actor.workspaceId, chosen, () =>
    entry.tool.execute!(parsed.data, { requestContext: requestContextFor(actor), observe: noopObserve }),
  );
  if (isFailure(result)) throw new StepFailure(`${step.toolId}: ${failureText(result as Record<string, unknown>)}`, false, parsed.data);
  return { input: parsed.data, output: result, secretFields };
}

async function workflowStep(step: Extract<AutomationStep, { kind: "workflow" }>, scope: RunScope, context: StepContext): Promise<StepDone> {
  const { actor } = context;
  const entry = findWorkflow(step.workflowId);
  if (!entry) throw new StepFailure(`There is no workflow "${step.workflowId}".`, true);
  const input = await evaluateExpression(step.input, scope, `the input of step ${step.key}`);
  const parsed = entry.inputSchema.safeParse(input);
  if (!parsed.success)
    throw new StepFailure(`The input of step ${step.key} does not fit ${step.workflowId}: ${describeIssues(parsed.error, "input")}`, true, input);
  if (context.dryRun) return wouldCall(`The workflow ${step.workflowId}`, parsed.data);
  let started: Awaited<ReturnType<typeof startWorkflowRun>>;
  const previous = context.previousWorkflowRunId ? await getWorkflowRun(actor.workspaceId, context.previousWorkflowRunId) : undefined;
  try {
    started =
      previous?.run.status === "failed" &&
      previous.steps.some((row) => row.status === "failed") &&
      JSON.stringify(previous.run.input) === JSON.stringify(parsed.data)
        ? await rerunFromFailedStep(actor, previous.run.id, "automation").catch(() =>
            startWorkflowRun(actor, step.workflowId, parsed.data, { trigger: "automation", deliveryId: context.deliveryId }),
          )
        : await startWorkflowRun(actor, step.workflowId, parsed.data, { trigger: "automation", deliveryId: context.deliveryId });
  } catch (error) {
    if (error instanceof RunInputError) throw new StepFailure(`The input of step ${step.key} does not fit ${step.workflowId}: ${error.message}`, true, input);
    throw error;
  }
  await context.onWorkflowRun(started.runId);
  const run = await started.finished;
  if (run.status === "failed") throw new StepFailure(`Workflow ${step.workflowId} failed: ${run.error ?? "the run failed"}`, false, parsed.data);
  return { input: parsed.data, output: run.output ?? null };
}

async function forwardStep(step: Extract<AutomationStep, { kind: "forward" }>, scope: RunScope, context: StepContext): Promise<StepDone> {
  const body = step.body ? await evaluateExpression(step.body, scope, `the body of step ${step.key}`) : (scope.payload ?? null);
  if (context.dryRun) return wouldCall(`Forwarding to ${new URL(step.url).host}`, body);
  try {
    const response = await httpRequest({
      url: step.url,
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Patchbay-Automation" },
      body: JSON.stringify(body ?? null),
      guard: true,
      timeoutMs: FORWARD_TIMEOUT_MS,
      maxResponseBytes: 64 * 1024,
    });
    const output = { status: response.status, body: response.body };
    if (response.status >= 400) {
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new StepFailure(`${new URL(step.url).host} answered ${response.status}`, !retryable, body);
    }
    return { input: body, output };
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    if (error instanceof BlockedRequestError) throw new StepFailure(error.message, true, body);
    if (error instanceof HttpError) throw new StepFailure(`${new URL(step.url).host}: ${error.message}`, false, body);
    throw error;
  }
}

async function conditionStep(step: Extract<AutomationStep, { kind: "condition" }>, scope: RunScope): Promise<StepDone> {
  const value = await evaluateExpression(step.when, scope, `the condition of step ${step.key}`);
  const passed = passes(value);
  return {
    output: { passed, ...(passed ? {} : { then: step.otherwise === "stop" ? "stopped the run" : "skipped the next step" }) },
    stop: !passed && step.otherwise === "stop",
    skipNext: !passed && step.otherwise === "skip-next",
  };
}

/** Does one step: maps its input from the scope, then calls what it names (or, in a dry run, says what it would call). */
export async function runStep(step: AutomationStep, scope: RunScope, context: StepContext): Promise<StepDone> {
  switch (step.kind) {
    case "tool":
      return toolStep(step, scope, context);
    case "workflow":
      return workflowStep(step, scope, context);
    case "forward":
      return forwardStep(step, scope, context);
    case "condition":
      return conditionStep(step, scope);
    case "agent":
      return runAgentStep(step, scope, context);
  }
}
