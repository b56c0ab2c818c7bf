"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteConversation } from "@/lib/agent/conversations";
import { userAction } from "@/lib/auth/action";
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
