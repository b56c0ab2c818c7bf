import { withUser } from "@/lib/auth/session";
import { getConversation, pendingApprovals } from "@/lib/agent/conversations";
import { eventLines, messageRequest, problem, readJson } from "@/lib/agent/http";
import { agentModel } from "@/lib/agent/model";
import { sendMessage } from "@/lib/agent/turn";

type Context = { params: Promise<{ id: string }> };

/** The person's next message in one of their conversations, answered as a stream. */
export const POST = withUser<Context>(async (request, context, user) => {
  const { id } = await context.params;
  const conversation = await getConversation(user.id, id);
  if (!conversation) return problem(404, "not_found", "There is no such conversation.");
  if (!agentModel().configured) return problem(503, "agent_not_configured", "The agent has no model: set AGENT_MODEL first.");
  if ((await pendingApprovals(conversation.id)).length > 0) return problem(409, "approval_pending", "Approve or deny the waiting action first.");
  const body = await readJson(request, messageRequest);
  if (!body.ok) return body.response;
  return eventLines(sendMessage(user.id, conversation.id, body.data.message));
});
