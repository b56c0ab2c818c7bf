import "server-only";
import type { OpenAICompatibleConfig } from "@mastra/core/llm";
import { env } from "@/lib/platform";

export type AgentModelSetting = { configured: true; model: OpenAICompatibleConfig & { id: `${string}/${string}` }; label: string } | { configured: false };

/**
 * The agent's model from AGENT_MODEL, AGENT_MODEL_URL and AGENT_MODEL_API_KEY, as a Mastra
 * model-router config. With a URL Mastra talks to that OpenAI-compatible server directly; without
 * one, to the provider's API from Mastra's bundled registry. Either way nothing is looked up over
 * the network until a message is sent.
 */
export function agentModel(): AgentModelSetting {
  const { AGENT_MODEL, AGENT_MODEL_URL, AGENT_MODEL_API_KEY } = env();
  if (!AGENT_MODEL) return { configured: false };
  const id = AGENT_MODEL as `${string}/${string}`;
  return {
    configured: true,
    model: { id, ...(AGENT_MODEL_URL ? { url: AGENT_MODEL_URL } : {}), ...(AGENT_MODEL_API_KEY ? { apiKey: AGENT_MODEL_API_KEY } : {}) },
    label: AGENT_MODEL_URL ? `${AGENT_MODEL} at ${AGENT_MODEL_URL}` : AGENT_MODEL,
  };
}

type ProviderError = { statusCode?: number; message?: string; data?: { error?: { code?: unknown; message?: unknown } }; cause?: unknown };

/**
 * What went wrong with the model provider, in words a person can act on. The provider's own
 * message is shown except for 401 and 403, where providers echo part of the key.
 */
export function describeProviderError(error: unknown): string {
  const failure = (error ?? {}) as ProviderError;
  const status = failure.statusCode;
  const code = typeof failure.data?.error?.code === "string" ? ` ${failure.data.error.code}` : "";
  const message = String(failure.data?.error?.message ?? failure.message ?? error).slice(0, 300);
  if (status === 401 || status === 403)
    return `The model provider refused the API key (${status}${code}). Check AGENT_MODEL_API_KEY, then send your message again.`;
  if (status === 429) return `The model provider is rate limiting requests (429${code}): ${message} Wait a moment, then send your message again.`;
  if (status) return `The model provider answered ${status}${code}: ${message}`;
  return `Could not reach the model provider (${message}). Check AGENT_MODEL_URL and that the server is running.`;
}
