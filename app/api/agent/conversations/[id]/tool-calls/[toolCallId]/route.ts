import { withUser } from "@/lib/auth/session";
import { findToolCall, getConversation } from "@/lib/agent/conversations";
import { checkEditedInput, decide } from "@/lib/agent/decide";
import { AGENT_NOT_CONFIGURED, decisionRequest, eventLines, readJson } from "@/lib/agent/http";
import { agentModel } from "@/lib/agent/model";
import { ApiError } from "@/lib/platform/errors";

type Context = { params: Promise<{ id: string; toolCallId: string }> };

/**
 * Approve or Deny on an action the agent is holding, in one of the person's own conversations (a
 * viewer is refused: a change needs a member). An approval may carry edited input, checked against
 * the tool's schema first (422 and nothing runs when it does not fit), and may allow the tool for
 * the rest of the conversation. The answer streams the agent's continuation.
 */
export const POST = withUser<Context>(async (request, context, user) => {
  const { id, toolCallId } = await context.params;
  const conversation = await getConversation(user, id);
  const call = conversation && (await findToolCall(conversation.id, toolCallId));
  if (!conversation || !call) throw new ApiError("not_found", "There is no such action in your conversations.");
  if (call.status !== "pending_approval")
    throw new ApiError("already_decided", "This action is not waiting for a decision (it was already approved or denied).");
  if (!agentModel().configured) throw new ApiError("agent_not_configured", AGENT_NOT_CONFIGURED);
  const body = await readJson(request, decisionRequest);
  if (body.decision === "deny") return eventLines(decide(user, conversation.id, toolCallId, { approve: false }));
  if (body.input !== undefined) await checkEditedInput(user, call, body.input);
  return eventLines(decide(user, conversation.id, toolCallId, { approve: true, input: body.input, allowTool: body.allowTool }));
});
