import { withUser } from "@/lib/auth/session";
import { createConversation } from "@/lib/agent/conversations";
import { eventLines, messageRequest, readJson } from "@/lib/agent/http";
import { agentModel } from "@/lib/agent/model";
import { sendMessage } from "@/lib/agent/turn";
import { ApiError } from "@/lib/platform/errors";

const NOT_CONFIGURED = "The agent has no model: set AGENT_MODEL (and AGENT_MODEL_API_KEY, and AGENT_MODEL_URL for an OpenAI-compatible server).";

/** Starts a conversation with its first message; the first line streamed names the new conversation. */
export const POST = withUser(async (request, _context, user) => {
  if (!agentModel().configured) throw new ApiError("agent_not_configured", NOT_CONFIGURED);
  const { message } = await readJson(request, messageRequest);
  const conversation = await createConversation(user, message);
  async function* events() {
    yield { type: "conversation" as const, id: conversation.id, title: conversation.title };
    yield* sendMessage(user, conversation.id, message);
  }
  return eventLines(events());
});
