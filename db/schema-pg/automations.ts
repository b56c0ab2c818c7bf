// Generated from db/schema-sqlite/automations.ts by `npm run db:schema:pg`: edit that file, not this one.
import { sql } from "drizzle-orm";
import { workspaces } from "./workspaces";
import { boolean, defineTable, epochMs, index, integer, jsonValue, primaryKey, serialRef, text, uniqueIndex } from "./common";

/** Why an automation run exists: a verified delivery, its schedule, a person by hand, or a person trying it on a past delivery. */
export const automationRunTriggers = ["delivery", "schedule", "manual", "try"] as const;
export const automationRunStatuses = ["queued", "running", "retrying", "succeeded", "failed"] as const;
export const automationStepStatuses = ["pending", "running", "succeeded", "failed", "skipped"] as const;

/**
 * An automation a person made (or one Patchbay shipped, `seedKey`): a trigger and steps, kept as the
 * definition JSON (lib/automations/definition.ts) at `version`; every saved version is in
 * automation_versions. `createdBy` is the person it acts as; null for a shipped one, which acts as a
 * delivery's endpoint maker or the workspace's first owner.
 */
export const automations = defineTable(
  "automations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(false),
    definition: jsonValue("definition").$type<unknown>().notNull(),
    version: integer("version").notNull().default(1),
    seedKey: text("seed_key"),
    createdBy: text("created_by"),
    createdAt: epochMs("created_at").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: epochMs("updated_at").notNull(),
    /** For a schedule trigger: the next due time the scheduler fires (null: not scheduled). */
    nextDueAt: epochMs("next_due_at"),
  },
  (table) => [
    index("automations_workspace").on(table.workspaceId, table.name),
    uniqueIndex("automations_seed").on(table.workspaceId, table.seedKey),
    index("automations_due").on(table.nextDueAt),
  ],
);

/** Every saved version of an automation's definition, with who saved it. */
export const automationVersions = defineTable(
  "automation_versions",
  {
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    name: text("name").notNull(),
    definition: jsonValue("definition").$type<unknown>().notNull(),
    changedBy: text("changed_by"),
    changedAt: epochMs("changed_at").notNull(),
    summary: text("summary").notNull(),
  },
  (table) => [primaryKey({ columns: [table.automationId, table.version] })],
);

/**
 * One run of an automation per trigger event: a delivery's runs are attempted by the delivery's own
 * processing (exactly one per delivery per automation), the others by the automation queue (leased,
 * retried on the schedule). Attempts are in automation_run_attempts, steps in automation_run_steps.
 */
export const automationRuns = defineTable(
  "automation_runs",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    trigger: text("trigger", { enum: automationRunTriggers }).notNull(),
    deliveryId: serialRef("delivery_id"),
    /** A schedule's due time this run is for (one run per due time). */
    dueAt: epochMs("due_at"),
    /** Who started it by hand or tried it; null for a delivery or a schedule. */
    startedBy: text("started_by"),
    /** The trigger's data besides a delivery's payload (a manual run's input, the due time). */
    input: jsonValue("input").$type<unknown>(),
    dryRun: boolean("dry_run").notNull().default(false),
    status: text("status", { enum: automationRunStatuses }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at"),
    leaseUntil: epochMs("lease_until"),
    error: text("error"),
    createdAt: epochMs("created_at").notNull(),
    finishedAt: epochMs("finished_at"),
  },
  (table) => [
    uniqueIndex("automation_runs_once_per_delivery")
      .on(table.automationId, table.deliveryId)
      .where(sql`${table.trigger} = 'delivery'`),
    uniqueIndex("automation_runs_once_per_due_time")
      .on(table.automationId, table.dueAt)
      .where(sql`${table.trigger} = 'schedule'`),
    index("automation_runs_automation_time").on(table.automationId, table.createdAt),
    index("automation_runs_workspace_time").on(table.workspaceId, table.createdAt),
    index("automation_runs_delivery").on(table.deliveryId),
    index("automation_runs_due").on(table.status, table.nextAttemptAt),
  ],
);

export const automationRunAttempts = defineTable(
  "automation_run_attempts",
  {
    runId: text("run_id")
      .notNull()
      .references(() => automationRuns.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    startedAt: epochMs("started_at").notNull(),
    durationMs: integer("duration_ms"),
    outcome: text("outcome", { enum: ["running", "succeeded", "failed"] }).notNull(),
    error: text("error"),
  },
  (table) => [primaryKey({ columns: [table.runId, table.number] })],
);

/** A run's steps as the last attempt left them; `reused` marks a step whose output an earlier attempt made. */
export const automationRunSteps = defineTable(
  "automation_run_steps",
  {
    runId: text("run_id")
      .notNull()
      .references(() => automationRuns.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    stepKey: text("step_key").notNull(),
    kind: text("kind").notNull(),
    status: text("status", { enum: automationStepStatuses }).notNull(),
    attempt: integer("attempt"),
    reused: boolean("reused").notNull().default(false),
    input: jsonValue("input").$type<unknown>(),
    output: jsonValue("output").$type<unknown>(),
    error: text("error"),
    /** A workflow step's run (its own page). */
    workflowRunId: text("workflow_run_id"),
    startedAt: epochMs("started_at"),
    endedAt: epochMs("ended_at"),
  },
  (table) => [primaryKey({ columns: [table.runId, table.position] })],
);
