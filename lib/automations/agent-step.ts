import "server-only";
import { type AgentStepRunner, automationHooks } from "./hooks";
import type { AutomationStep } from "./definition";
import { evaluateExpression } from "./expressions";
import { type RunScope, type StepContext, type StepDone, StepFailure } from "./scope";

export type { AgentStepAnswer, AgentStepRequest, AgentStepRunner } from "./hooks";

/** The agent lives on a higher floor (lib/agent): lib/server/startup.ts hands its runner over here. */
export function setAgentStepRunner(next: AgentStepRunner | undefined): void {
  automationHooks().agentRunner = next;
}

export async function runAgentStep(step: Extract<AutomationStep, { kind: "agent" }>, scope: RunScope, context: StepContext): Promise<StepDone> {
  const value = await evaluateExpression(step.prompt, scope, `the prompt of step ${step.key}`);
  const prompt = typeof value === "string" ? value : JSON.stringify(value ?? null);
  if (!prompt.trim()) throw new StepFailure(`The prompt of step ${step.key} is empty for this run.`, true);
  // The agent may call tools that change something: a dry run shows the prompt it would be given.
  if (context.dryRun)
    return { input: { prompt }, output: { dryRun: true, skipped: "The agent may change something, so a dry run does not ask it", wouldSend: { prompt } } };
  const runner = automationHooks().agentRunner;
  if (!runner) throw new StepFailure("The agent is not available in this process.", false, { prompt });
  const answer = await runner({ actor: context.actor, prompt, tools: step.tools, approvedTools: step.approvedTools });
  if (answer.error) throw new StepFailure(`The agent could not answer: ${answer.error}`, false, { prompt });
  if (answer.waitingForApproval)
    throw new StepFailure(
      `The agent wants to call ${answer.waitingForApproval}, which changes something and is not approved for this automation: approve it in conversation ${answer.conversationId}, or list it under the step's approved tools.`,
      true,
      { prompt },
    );
  return { input: { prompt }, output: answer };
}
