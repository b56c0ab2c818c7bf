"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteConversation, getConversation, revokeTool } from "@/lib/agent/conversations";
import { userAction } from "@/lib/auth/action";
import { actorOf, audit } from "@/lib/auth/audit";
import type { WebhookActionState } from "../webhooks/actions";

/** Deletes one of the person's own conversations (any role may: it is theirs), then opens a new one. */
export async function deleteConversationAction(_previous: WebhookActionState, form: FormData): Promise<WebhookActionState> {
  const result = await userAction(
    async (user) => {
      const id = z.uuid().safeParse(form.get("conversationId"));
      if (!id.success || !(await deleteConversation(user, id.data))) return { error: "There is no such conversation of yours." };
      return { ok: "Conversation deleted." };
    },
    [],
    "own account",
  );
  if (result && "ok" in result && result.ok) redirect("/agent");
  return result;
}

/** What revoking a tool's allowance answers: the tools still allowed in the conversation. */
export type AllowanceState = { ok: string; tools: string[] } | { error: string } | undefined;

const revokeForm = z.object({ conversationId: z.uuid(), toolId: z.string().min(1).max(300) });

/**
 * Takes back "allow for the rest of this conversation" for one tool: its later calls ask again.
 * Only the conversation's own person may, whatever their role (it only takes a permission away).
 */
export async function revokeAllowedToolAction(_previous: AllowanceState, form: FormData): Promise<AllowanceState> {
  return userAction(
    async (user) => {
      const parsed = revokeForm.safeParse({ conversationId: form.get("conversationId"), toolId: form.get("toolId") });
      const conversation = parsed.success ? await getConversation(user, parsed.data.conversationId) : undefined;
      if (!parsed.success || !conversation) return { error: "There is no such conversation of yours." };
      const { toolId } = parsed.data;
      if (!conversation.approvedTools.includes(toolId)) return { error: `${toolId} is not allowed in this conversation.` };
      const tools = await revokeTool(conversation.id, toolId);
      await audit({
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "agent_tool_revoked",
        target: toolId,
        detail: { conversation: conversation.id },
      });
      return { ok: `${toolId} asks for your approval again in this conversation.`, tools };
    },
    [],
    "viewer",
  );
}
