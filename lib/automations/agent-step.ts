import "server-only";
import { type Actor, processState } from "@/lib/platform";
import type { AutomationStep } from "./definition";
import { evaluateExpression } from "./expressions";
import { type RunScope, type StepContext, type StepDone, StepFailure } from "./scope";

export type AgentStepRequest = {
  actor: Actor;
  prompt: string;
  /** The tools the agent may use. */
  tools: string[];
  /** Writes among them that run without asking; any other write waits for a person's approval. */
  approvedTools: string[];
};
export type AgentStepAnswer = {
  text: string;
  conversationId: string;
  toolCalls: { toolId: string; status: string }[];
  waitingForApproval?: string;
  error?: string;
};
export type AgentStepRunner = (request: AgentStepRequest) => Promise<AgentStepAnswer>;

/**
 * The agent lives on a higher floor (lib/agent); lib/server/startup.ts hands its runner over here,
 * kept process-wide (Next's bundle loads this module apart from server.ts).
 */
const hooks = () => processState("AutomationHooks", () => ({}) as { agentRunner?: AgentStepRunner });

export function setAgentStepRunner(next: AgentStepRunner | undefined): void {
  hooks().agentRunner = next;
}

export async function runAgentStep(step: Extract<AutomationStep, { kind: "agent" }>, scope: RunScope, context: StepContext): Promise<StepDone> {
  const value = await evaluateExpression(step.prompt, scope, `the prompt of step ${step.key}`);
  const prompt = typeof value === "string" ? value : JSON.stringify(value ?? null);
  if (!prompt.trim()) throw new StepFailure(`The prompt of step ${step.key} is empty for this run.`, true);
  // The agent may call tools that change something: a dry run shows the prompt it would be given.
  if (context.dryRun)
    return { input: { prompt }, output: { dryRun: true, skipped: "The agent may change something, so a dry run does not ask it", wouldSend: { prompt } } };
  const runner = hooks().agentRunner;
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
