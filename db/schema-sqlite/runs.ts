import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./auth";

export const runTriggers = ["manual", "webhook", "replay"] as const;
/** Tools also run for an agent's conversation or an MCP client, besides by hand. */
export const toolRunTriggers = [...runTriggers, "agent", "mcp"] as const;

/** Which account a tool run used for a provider; "environment" is the instance-wide key. */
export type RunAccount = { providerId: string; connectionId: string | "environment"; label: string | null };

/** One run of a tool: by hand from the runner, for an agent's conversation, or for an MCP client. Inputs and outputs never contain credentials. */
export const toolRuns = sqliteTable(
  "tool_runs",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    toolId: text("tool_id").notNull(),
    trigger: text("trigger", { enum: toolRunTriggers }).notNull().default("manual"),
    /** The agent conversation that started the run; kept as history when the conversation is deleted. */
    conversationId: text("conversation_id"),
    mcpTokenName: text("mcp_token_name"),
    input: text("input", { mode: "json" }).$type<unknown>().notNull(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    error: text("error"),
    startedAt: integer("started_at").notNull(),
    durationMs: integer("duration_ms"),
    /** The accounts the run acted as (label kept as it was then, in case the connection goes). */
    accounts: text("accounts", { mode: "json" }).$type<RunAccount[]>().notNull().default(sql`'[]'`),
    /** The stored webhook delivery whose payload the input came from ("Run with this payload"). */
    deliveryId: integer("delivery_id"),
    /** Set when retention dropped the input and output. */
    trimmedAt: integer("trimmed_at"),
    /** While running: the process running it (db/instance.ts); a stopped process's runs are failed by lib/mastra/interrupted-runs.ts. */
    runnerInstance: text("runner_instance"),
  },
  (table) => [
    index("tool_runs_user_tool_time").on(table.userId, table.toolId, table.startedAt),
    index("tool_runs_user_time").on(table.userId, table.startedAt),
    index("tool_runs_conversation").on(table.conversationId),
    index("tool_runs_running").on(table.runnerInstance).where(sql`${table.status} = 'running'`),
  ],
);

/** One run of a workflow, with who started it and why; its steps are in workflow_run_steps. */
export const workflowRuns = sqliteTable(
  "workflow_runs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id").notNull(),
    trigger: text("trigger", { enum: runTriggers }).notNull(),
    deliveryId: integer("delivery_id"),
    input: text("input", { mode: "json" }).$type<unknown>().notNull(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    status: text("status", { enum: ["running", "success", "failed"] }).notNull(),
    error: text("error"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** Set on a re-run from a failed step: the run whose earlier step outputs this one reused. */
    resumedFromRunId: text("resumed_from_run_id"),
    /** Set when retention dropped the inputs and outputs of the run and its steps. */
    trimmedAt: integer("trimmed_at"),
    /** While running: the process running it (db/instance.ts); a stopped process's runs are failed by lib/mastra/interrupted-runs.ts. */
    runnerInstance: text("runner_instance"),
  },
  (table) => [index("workflow_runs_user_time").on(table.userId, table.startedAt), index("workflow_runs_status").on(table.status)],
);

export const workflowRunSteps = sqliteTable(
  "workflow_run_steps",
  {
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    position: integer("position").notNull(),
    status: text("status", { enum: ["pending", "running", "success", "failed", "skipped"] }).notNull(),
    input: text("input", { mode: "json" }).$type<unknown>(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    error: text("error"),
    startedAt: integer("started_at"),
    endedAt: integer("ended_at"),
  },
  (table) => [primaryKey({ columns: [table.runId, table.stepId] })],
);
