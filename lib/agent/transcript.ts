import "server-only";
import type { ExposedTool } from "@/lib/catalog";
import { listToolCalls, loadMessages } from "./conversations";
import { toView, type ToolCallView } from "./calls";

/** What the chat shows: the person's words, the agent's words, each tool call as a card, and errors. */
export type ChatItem =
  { kind: "user"; text: string } | { kind: "assistant"; text: string } | { kind: "tool"; call: ToolCallView } | { kind: "error"; message: string };

/** A stored conversation as the chat shows it when reopened; a waiting call's card edits its input with the person's ready tool's schema. */
export async function transcript(conversationId: string, tools: ExposedTool[] = []): Promise<ChatItem[]> {
  const byId = new Map(tools.map((tool) => [tool.id, tool]));
  const calls = new Map((await listToolCalls(conversationId)).map((row) => [row.toolCallId, toView(row, byId.get(row.toolId))]));
  const items: ChatItem[] = [];
  for (const message of await loadMessages(conversationId)) {
    if (message.role === "user") items.push({ kind: "user", text: message.content });
    if (message.role !== "assistant") continue;
    for (const part of message.content) {
      const call = part.type === "tool-call" ? calls.get(part.toolCallId) : undefined;
      if (part.type === "text" && part.text) items.push({ kind: "assistant", text: part.text });
      else if (call) items.push({ kind: "tool", call });
    }
  }
  return items;
}
