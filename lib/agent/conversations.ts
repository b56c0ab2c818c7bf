import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db, transaction } from "@/db/client";
import { liveInstanceId } from "@/db/instance";
import { agentConversations, agentMessages, agentToolCalls } from "@/db/schema";
import type { Actor } from "@/lib/platform";

/** The messages a conversation keeps, in the model's format: what the model saw and said, never a credential. */
export type TextPart = { type: "text"; text: string };
export type ToolCallPart = { type: "tool-call"; toolCallId: string; toolName: string; input: unknown };
export type ToolResultPart = { type: "tool-result"; toolCallId: string; toolName: string; output: { type: "json"; value: unknown } };
export type ConversationMessage =
  { role: "user"; content: string } | { role: "assistant"; content: (TextPart | ToolCallPart)[] } | { role: "tool"; content: ToolResultPart[] };

export type ConversationRow = typeof agentConversations.$inferSelect;
export type ToolCallRow = typeof agentToolCalls.$inferSelect;
export type ToolCallStatus = ToolCallRow["status"];

const TITLE_LENGTH = 80;

export async function createConversation({ userId, workspaceId }: Actor, firstMessage: string): Promise<ConversationRow> {
  const title = firstMessage.replace(/\s+/g, " ").trim().slice(0, TITLE_LENGTH) || "New conversation";
  const [row] = await db().insert(agentConversations).values({ userId, workspaceId, title, updatedAt: new Date() }).returning();
  return row!;
}

/** A person's conversations in one workspace (the tools they used belong to it). */
export async function listConversations({ userId, workspaceId }: Actor, limit = 50): Promise<ConversationRow[]> {
  return db()
    .select()
    .from(agentConversations)
    .where(and(eq(agentConversations.userId, userId), eq(agentConversations.workspaceId, workspaceId)))
    .orderBy(desc(agentConversations.updatedAt))
    .limit(limit);
}

/** This user's conversation; another user's id finds nothing. */
export async function getConversation({ userId, workspaceId }: Actor, conversationId: string): Promise<ConversationRow | undefined> {
  const [row] = await db()
    .select()
    .from(agentConversations)
    .where(and(eq(agentConversations.id, conversationId), eq(agentConversations.userId, userId), eq(agentConversations.workspaceId, workspaceId)))
    .limit(1);
  return row;
}

/** Deletes one of the person's conversations with its messages and tool calls (the runs they started stay in run history). */
export async function deleteConversation({ userId, workspaceId }: Actor, conversationId: string): Promise<boolean> {
  const deleted = await db()
    .delete(agentConversations)
    .where(and(eq(agentConversations.id, conversationId), eq(agentConversations.userId, userId), eq(agentConversations.workspaceId, workspaceId)))
    .returning({ id: agentConversations.id });
  return deleted.length > 0;
}

/** What the person allowed for the rest of a conversation: hosts for calls whose input chooses the URL, and whole tools. */
export type ConversationAllowances = { hosts: Set<string>; tools: Set<string> };

export async function conversationAllowances(conversationId: string): Promise<ConversationAllowances> {
  const [row] = await db()
    .select({ hosts: agentConversations.approvedHosts, tools: agentConversations.approvedTools })
    .from(agentConversations)
    .where(eq(agentConversations.id, conversationId))
    .limit(1);
  return { hosts: new Set(row?.hosts ?? []), tools: new Set(row?.tools ?? []) };
}

/** The hosts the person approved in this conversation for calls whose input chooses the URL. */
export async function approvedHosts(conversationId: string): Promise<Set<string>> {
  return (await conversationAllowances(conversationId)).hosts;
}

type AllowanceColumn = "approvedHosts" | "approvedTools";

/**
 * Changes one of a conversation's allowance lists in a transaction. Two changes racing in one
 * conversation may keep only one of them; a lost approval is then asked about again, never skipped.
 */
async function changeAllowances(conversationId: string, column: AllowanceColumn, change: (current: string[]) => string[]): Promise<string[] | undefined> {
  return transaction(async (tx) => {
    const [row] = await tx.select({ list: agentConversations[column] }).from(agentConversations).where(eq(agentConversations.id, conversationId)).limit(1);
    if (!row) return undefined;
    const next = change(row.list);
    if (next.length !== row.list.length || next.some((value, index) => value !== row.list[index]))
      await tx
        .update(agentConversations)
        .set({ [column]: next })
        .where(eq(agentConversations.id, conversationId));
    return next;
  });
}

/** Records that the person approved a host for the rest of this conversation. */
export async function approveHost(conversationId: string, host: string): Promise<void> {
  await changeAllowances(conversationId, "approvedHosts", (hosts) => (hosts.includes(host) ? hosts : [...hosts, host]));
}

/** Records that the person allowed a tool for the rest of this conversation; answers the tools allowed now. */
export async function allowTool(conversationId: string, toolId: string): Promise<string[]> {
  return (await changeAllowances(conversationId, "approvedTools", (tools) => (tools.includes(toolId) ? tools : [...tools, toolId]))) ?? [];
}

/** Takes a tool's allowance back: its later calls in this conversation ask again. Answers the tools still allowed. */
export async function revokeTool(conversationId: string, toolId: string): Promise<string[]> {
  return (await changeAllowances(conversationId, "approvedTools", (tools) => tools.filter((allowed) => allowed !== toolId))) ?? [];
}

export async function loadMessages(conversationId: string): Promise<ConversationMessage[]> {
  return (await db()
    .select({ role: agentMessages.role, content: agentMessages.content })
    .from(agentMessages)
    .where(eq(agentMessages.conversationId, conversationId))
    .orderBy(asc(agentMessages.id))) as ConversationMessage[];
}

export async function appendMessage(conversationId: string, message: ConversationMessage): Promise<void> {
  await transaction(async (tx) => {
    await tx.insert(agentMessages).values({ conversationId, role: message.role, content: message.content });
    await tx.update(agentConversations).set({ updatedAt: new Date() }).where(eq(agentConversations.id, conversationId));
  });
}

export async function listToolCalls(conversationId: string): Promise<ToolCallRow[]> {
  return db().select().from(agentToolCalls).where(eq(agentToolCalls.conversationId, conversationId)).orderBy(asc(agentToolCalls.createdAt));
}

export async function findToolCall(conversationId: string, toolCallId: string): Promise<ToolCallRow | undefined> {
  const [row] = await db()
    .select()
    .from(agentToolCalls)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId)))
    .limit(1);
  return row;
}

export async function pendingApprovals(conversationId: string): Promise<ToolCallRow[]> {
  return db()
    .select()
    .from(agentToolCalls)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.status, "pending_approval")));
}

type NewToolCall = Pick<ToolCallRow, "conversationId" | "toolCallId" | "toolId" | "toolName" | "input" | "writes" | "status">;

/** Records a call the first time it is seen; later sightings leave it as it is. A running call names this process as its runner. */
export async function recordToolCall(call: NewToolCall): Promise<ToolCallRow> {
  const runnerInstance = call.status === "running" ? await liveInstanceId() : null;
  await db()
    .insert(agentToolCalls)
    .values({ ...call, runnerInstance })
    .onConflictDoNothing();
  return (await findToolCall(call.conversationId, call.toolCallId))!;
}

export async function updateToolCall(
  conversationId: string,
  toolCallId: string,
  change: Partial<Pick<ToolCallRow, "status" | "runId" | "output" | "input" | "proposedInput" | "writes">>,
): Promise<ToolCallRow | undefined> {
  const [row] = await db()
    .update(agentToolCalls)
    .set(change)
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId)))
    .returning();
  return row;
}

/**
 * Claims a pending call for its decision: only one request can move it out of pending_approval,
 * so a double click runs the tool once. An approved call is then run by this process.
 */
export async function claimPendingCall(conversationId: string, toolCallId: string, status: "running" | "denied"): Promise<ToolCallRow | undefined> {
  const runnerInstance = status === "running" ? await liveInstanceId() : null;
  const [row] = await db()
    .update(agentToolCalls)
    .set({ status, runnerInstance })
    .where(and(eq(agentToolCalls.conversationId, conversationId), eq(agentToolCalls.toolCallId, toolCallId), eq(agentToolCalls.status, "pending_approval")))
    .returning();
  return row;
}
