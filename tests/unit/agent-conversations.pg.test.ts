import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { agentMessages } from "@/db/schema";
import { appendMessage, createConversation, deleteConversation, getConversation, listConversations } from "@/lib/agent/conversations";
import { createUser } from "../support/helpers";

/** Issue 25, item 11: a person deletes a conversation of theirs, and only theirs. */
describe("deleting a conversation", () => {
  it("removes the person's own conversation with its messages; another person's id deletes nothing", async () => {
    const me = await createUser("conversations-me");
    const other = await createUser("conversations-other");
    const mine = await createConversation(me, "List my repositories");
    await appendMessage(mine.id, { role: "user", content: "List my repositories" });
    const theirs = await createConversation(other, "Something of theirs");

    expect(await deleteConversation(me, theirs.id)).toBe(false);
    expect(await getConversation(other, theirs.id)).toBeDefined();

    expect(await deleteConversation(me, mine.id)).toBe(true);
    expect(await listConversations(me)).toEqual([]);
    expect(await db().select().from(agentMessages).where(eq(agentMessages.conversationId, mine.id))).toEqual([]);
    expect(await deleteConversation(me, mine.id)).toBe(false);
  });
});
