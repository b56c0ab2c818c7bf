import "server-only";
import { type Actor, processState } from "@/lib/platform";

/** A delivery as automations see it: parsed payload, headers without credentials. */
export type DeliveryScope = {
  id: number;
  workspaceId: string;
  providerId: string;
  endpointId: string | null;
  event: string | null;
  action: string | null;
  payload: unknown;
  headers: Record<string, string>;
};

/** How the automation queue reads a past delivery ("try with this delivery"); lib/server/startup.ts hands lib/webhooks' reader over. */
export type DeliveryReader = (workspaceId: string, deliveryId: number) => Promise<{ scope: DeliveryScope; actingPerson?: string } | undefined>;

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
 * What start-up (lib/server/startup.ts) hands lib/automations from higher floors: the delivery
 * reader (lib/webhooks) and the agent's runner (lib/agent). Kept process-wide, because Next's
 * bundle loads these modules apart from server.ts, and a page's run must find what start-up set.
 */
export const automationHooks = (): { readDelivery?: DeliveryReader; agentRunner?: AgentStepRunner } => processState("AutomationHooks", () => ({}));
