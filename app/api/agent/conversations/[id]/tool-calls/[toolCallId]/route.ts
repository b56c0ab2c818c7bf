import { withUser } from "@/lib/auth/session";
import { findToolCall, getConversation } from "@/lib/agent/conversations";
import { decisionRequest, eventLines, problem, readJson } from "@/lib/agent/http";
import { agentModel } from "@/lib/agent/model";
import { decide } from "@/lib/agent/turn";

type Context = { params: Promise<{ id: string; toolCallId: string }> };

/** Approve or Deny on an action the agent is holding; the answer streams the agent's continuation. */
export const POST = withUser<Context>(async (request, context, user) => {
  const { id, toolCallId } = await context.params;
  const conversation = await getConversation(user.id, id);
  const call = conversation && (await findToolCall(conversation.id, toolCallId));
  if (!conversation || !call) return problem(404, "not_found", "There is no such action in your conversations.");
  if (call.status !== "pending_approval") return problem(409, "already_decided", "This action is not waiting for a decision (it was already approved or denied).");
  if (!agentModel().configured) return problem(503, "agent_not_configured", "The agent has no model: set AGENT_MODEL first.");
  const body = await readJson(request, decisionRequest);
  if (!body.ok) return body.response;
  return eventLines(decide(user.id, conversation.id, toolCallId, body.data.decision === "approve"));
});
