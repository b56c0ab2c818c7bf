// Generated from db/schema-sqlite/agent.ts by `npm run db:schema:pg`: edit that file, not this one.
import { sql } from "drizzle-orm";
import { users } from "./auth";
import { workspaces } from "./workspaces";
import { boolean, createdAt, defineTable, emptyJsonList, index, jsonValue, serialId, text, timestampMs, uniqueIndex } from "./common";

/**
 * A conversation with the agent. Its messages hold what the model saw and said, never a credential:
 * tools fetch tokens at run time from the user id.
 */
export const agentConversations = defineTable(
  "agent_conversations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Hosts (host:port) the person approved for calls whose input chooses the URL (api-call); such a call to any other host waits for approval. */
    approvedHosts: jsonValue("approved_hosts").$type<string[]>().notNull().default(emptyJsonList),
    /** Tools (ids) the person allowed for the rest of this conversation: their calls run without asking, but for a call to a host not approved yet. */
    approvedTools: jsonValue("approved_tools").$type<string[]>().notNull().default(emptyJsonList),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (table) => [index("agent_conversations_user_time").on(table.userId, table.updatedAt)],
);

/** One message of a conversation in the model's message format (user, assistant with tool calls, tool results). */
export const agentMessages = defineTable(
  "agent_messages",
  {
    id: serialId("id"),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => agentConversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant", "tool"] }).notNull(),
    content: jsonValue("content").$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("agent_messages_conversation").on(table.conversationId, table.id)],
);

/**
 * Each tool call the model made in a conversation: what it asked for, whether it waits for the
 * person's approval, and the run that answered it.
 */
export const agentToolCalls = defineTable(
  "agent_tool_calls",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => agentConversations.id, { onDelete: "cascade" }),
    /** The id the model gave the call; its result is sent back under it. */
    toolCallId: text("tool_call_id").notNull(),
    toolId: text("tool_id").notNull(),
    toolName: text("tool_name").notNull(),
    input: jsonValue("input").$type<unknown>().notNull(),
    /** The input the model proposed, kept when the person edited it before approving (input is then what ran); null when unedited. */
    proposedInput: jsonValue("proposed_input").$type<unknown>(),
    writes: boolean("writes").notNull(),
    status: text("status", { enum: ["pending_approval", "running", "succeeded", "failed", "denied"] }).notNull(),
    runId: text("run_id"),
    /** While running: the process running it (db/instance.ts); a stopped process's runs are failed by lib/mastra/interrupted-runs.ts. */
    runnerInstance: text("runner_instance"),
    output: jsonValue("output").$type<unknown>(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("agent_tool_calls_call").on(table.conversationId, table.toolCallId),
    index("agent_tool_calls_running")
      .on(table.runnerInstance)
      .where(sql`${table.status} = 'running'`),
  ],
);
