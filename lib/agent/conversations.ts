import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { agentConversations, agentMessages, agentToolCalls } from "@/db/schema";

/** The messages a conversation keeps, in the model's format: what the model saw and said, never a credential. */
export type TextPart = { type: "text"; text: string };
export type ToolCallPart = { type: "tool-call"; toolCallId: string; toolName: string; input: unknown };
export type ToolResultPart = { type: "tool-result"; toolCallId: string; toolName: string; output: { type: "json"; value: unknown } };
export type ConversationMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; content: (TextPart | ToolCallPart)[] }
  | { role: "tool"; content: ToolResultPart[] };

export type ConversationRow = typeof agentConversations.$inferSelect;
export type ToolCallRow = typeof agentToolCalls.$inferSelect;
export type ToolCallStatus = ToolCallRow["status"];

const TITLE_LENGTH = 80;

export function createConversation(userId: string, firstMessage: string): ConversationRow {
  const title = firstMessage.replace(/\s+/g, " ").trim().slice(0, TITLE_LENGTH) || "New conversation";
  return db().insert(agentConversations).values({ userId, title, updatedAt: new Date() }).returning().get();
}

export function listConversations(userId: string, limit = 50): ConversationRow[] {
  return db().select().from(agentConversations).where(eq(agentConversations.userId, userId)).orderBy(desc(agentConversations.updatedAt)).limit(limit).all();
}

/** This user's conversation; another user's id finds nothing. */
export function getConversation(userId: string, conversationId: string): ConversationRow | undefined {
  return db()
    .select()
    .from(agentConversations)
    .where(and(eq(agentConversations.id, conversationId), eq(agentConversations.userId, userId)))
    .get();
}

export function loadMessages(conversationId: string): ConversationMessage[] {
  return db()
    .select({ role: agentMessages.role, content: agentMessages.content })
    .from(agentMessages)
    .where(eq(agentMessages.conversationId, conversationId))
    .orderBy(asc(agentMessages.id))
    .all() as ConversationMessage[];
}

export function appendMessage(conversationId: string, message: ConversationMessage): void {
  db().transaction((tx) => {
    tx.insert(agentMessages).values({ conversationId, role: message.role, content: message.content }).run();
    tx.update(agentConversations).set({ updatedAt: new Date() }).where(eq(agentConversations.id, conversationId)).run();
  });
}

export function listToolCalls(conversationId: string): ToolCallRow[] {
  return db().select().from(agentToolCalls).where(eq(agentToolCalls.conversationId, conversationId)).orderBy(asc(agentToolCalls.createdAt)).all();
}

export function findToolCall(conversationId: string, toolCallId: string): ToolCallRow | undefined {
  return db()
    .select()
    .from(agentToolCalls)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId)))
    .get();
}

export function pendingApprovals(conversationId: string): ToolCallRow[] {
  return db()
    .select()
    .from(agentToolCalls)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.status, "pending_approval")))
    .all();
}

type NewToolCall = Pick<ToolCallRow, "conversationId" | "toolCallId" | "toolId" | "toolName" | "input" | "writes" | "status">;

/** Records a call the first time it is seen; later sightings leave it as it is. */
export function recordToolCall(call: NewToolCall): ToolCallRow {
  db().insert(agentToolCalls).values(call).onConflictDoNothing().run();
  return findToolCall(call.conversationId, call.toolCallId)!;
}

export function updateToolCall(conversationId: string, toolCallId: string, change: Partial<Pick<ToolCallRow, "status" | "runId" | "output">>): ToolCallRow | undefined {
  return db()
    .update(agentToolCalls)
    .set(change)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId)))
    .returning()
    .get();
}

/**
 * Claims a pending call for its decision: only one request can move it out of pending_approval,
 * so a double click runs the tool once.
 */
export function claimPendingCall(conversationId: string, toolCallId: string, status: "running" | "denied"): ToolCallRow | undefined {
  return db()
    .update(agentToolCalls)
    .set({ status })
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId), eq(agentToolCalls.status, "pending_approval")))
    .returning()
    .get();
}
