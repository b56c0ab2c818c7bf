// Generated from db/schema-sqlite/runs.ts by `npm run db:schema:pg`: edit that file, not this one.
import { sql } from "drizzle-orm";
import { users } from "./auth";
import { workspaces } from "./workspaces";
import { defineTable, emptyJsonList, epochMs, index, integer, jsonValue, primaryKey, serialRef, text } from "./common";

/** "automation": started by a step of an automation run (its page shows it, the Runs list shows the automation run). */
export const runTriggers = ["manual", "webhook", "replay", "automation"] as const;
/** Tools also run for an agent's conversation or an MCP client, besides by hand. */
export const toolRunTriggers = ["manual", "webhook", "replay", "agent", "mcp"] as const;

/** Which account a tool run used for a provider; "environment" is the instance-wide key. */
export type RunAccount = { providerId: string; connectionId: string | "environment"; label: string | null };

/** One run of a tool: by hand from the runner, for an agent's conversation, or for an MCP client. Inputs and outputs never contain credentials. */
export const toolRuns = defineTable(
  "tool_runs",
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
    toolId: text("tool_id").notNull(),
    trigger: text("trigger", { enum: toolRunTriggers }).notNull().default("manual"),
    /** The agent conversation that started the run; kept as history when the conversation is deleted. */
    conversationId: text("conversation_id"),
    mcpTokenName: text("mcp_token_name"),
    input: jsonValue("input").$type<unknown>().notNull(),
    output: jsonValue("output").$type<unknown>(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    error: text("error"),
    startedAt: epochMs("started_at").notNull(),
    durationMs: integer("duration_ms"),
    /** The accounts the run acted as (label kept as it was then, in case the connection goes). */
    accounts: jsonValue("accounts").$type<RunAccount[]>().notNull().default(emptyJsonList),
    /** The stored webhook delivery whose payload the input came from ("Run with this payload"). */
    deliveryId: serialRef("delivery_id"),
    /** Set when retention dropped the input and output. */
    trimmedAt: epochMs("trimmed_at"),
    /** While running: the process running it (db/instance.ts); a stopped process's runs are failed by lib/mastra/interrupted-runs.ts. */
    runnerInstance: text("runner_instance"),
  },
  (table) => [
    index("tool_runs_workspace_tool_time").on(table.workspaceId, table.toolId, table.startedAt),
    index("tool_runs_workspace_time").on(table.workspaceId, table.startedAt),
    index("tool_runs_conversation").on(table.conversationId),
    index("tool_runs_running")
      .on(table.runnerInstance)
      .where(sql`${table.status} = 'running'`),
  ],
);

/** One run of a workflow, with who started it and why; its steps are in workflow_run_steps. */
export const workflowRuns = defineTable(
  "workflow_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id").notNull(),
    trigger: text("trigger", { enum: runTriggers }).notNull(),
    deliveryId: serialRef("delivery_id"),
    input: jsonValue("input").$type<unknown>().notNull(),
    output: jsonValue("output").$type<unknown>(),
    status: text("status", { enum: ["running", "success", "failed"] }).notNull(),
    error: text("error"),
    startedAt: epochMs("started_at").notNull(),
    finishedAt: epochMs("finished_at"),
    /** Set on a re-run from a failed step: the run whose earlier step outputs this one reused. */
    resumedFromRunId: text("resumed_from_run_id"),
    /** Set when retention dropped the inputs and outputs of the run and its steps. */
    trimmedAt: epochMs("trimmed_at"),
    /** While running: the process running it (db/instance.ts); a stopped process's runs are failed by lib/mastra/interrupted-runs.ts. */
    runnerInstance: text("runner_instance"),
  },
  (table) => [index("workflow_runs_workspace_time").on(table.workspaceId, table.startedAt), index("workflow_runs_status").on(table.status)],
);

export const workflowRunSteps = defineTable(
  "workflow_run_steps",
  {
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    position: integer("position").notNull(),
    status: text("status", { enum: ["pending", "running", "success", "failed", "skipped"] }).notNull(),
    input: jsonValue("input").$type<unknown>(),
    output: jsonValue("output").$type<unknown>(),
    error: text("error"),
    startedAt: epochMs("started_at"),
    endedAt: epochMs("ended_at"),
  },
  (table) => [primaryKey({ columns: [table.runId, table.stepId] })],
);
