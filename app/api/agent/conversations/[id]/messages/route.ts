import { withUser } from "@/lib/auth/session";
import { getConversation, pendingApprovals } from "@/lib/agent/conversations";
import { AGENT_NOT_CONFIGURED, eventLines, messageRequest, readJson } from "@/lib/agent/http";
import { agentModel } from "@/lib/agent/model";
import { sendMessage } from "@/lib/agent/turn";
import { ApiError } from "@/lib/platform/errors";

type Context = { params: Promise<{ id: string }> };

/** The person's next message in one of their conversations, answered as a stream. */
export const POST = withUser<Context>(async (request, context, user) => {
  const { id } = await context.params;
  const conversation = await getConversation(user, id);
  if (!conversation) throw new ApiError("not_found", "There is no such conversation.");
  if (!agentModel().configured) throw new ApiError("agent_not_configured", AGENT_NOT_CONFIGURED);
  if ((await pendingApprovals(conversation.id)).length > 0) throw new ApiError("approval_pending", "Approve or deny the waiting action first.");
  const { message } = await readJson(request, messageRequest);
  return eventLines(sendMessage(user, conversation.id, message));
});
