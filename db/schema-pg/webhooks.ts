// Generated from db/schema-sqlite/webhooks.ts by `npm run db:schema:pg`: edit that file, not this one.
import { users } from "./auth";
import { workspaces } from "./workspaces";
import {
  boolean,
  createdAt,
  defineTable,
  emptyJsonList,
  epochMs,
  index,
  integer,
  jsonValue,
  serialId,
  serialRef,
  text,
  timestampMs,
  uniqueIndex,
} from "./common";

/** A webhook URL created in the UI or by registration, with its own sealed signing secret. */
export const webhookEndpoints = defineTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Who made it: webhook-triggered runs act as this person (their connections). */
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    description: text("description").notNull().default(""),
    secretSealed: text("secret_sealed").notNull(),
    /** After a rotation the old secret is still accepted until previousSecretExpiresAt. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: timestampMs("previous_secret_expires_at"),
    events: jsonValue("events").$type<string[]>().notNull().default(emptyJsonList),
    /** Set when Patchbay registered the hook at the provider (GitHub hook id, Stripe endpoint id). */
    remoteHookId: text("remote_hook_id"),
    remoteTarget: text("remote_target"),
    createdAt: createdAt(),
  },
  (table) => [index("webhook_endpoints_workspace").on(table.workspaceId)],
);

/** received: waiting for its first attempt; retrying: an attempt failed and another is scheduled (next_attempt_at). */
export const deliveryStatuses = ["received", "processing", "retrying", "processed", "failed", "rejected"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * Every delivery that reached a known endpoint, accepted or refused. The log viewer's search is not
 * declared here: SQLite's is the FTS5 table of db/migrations/0004_delivery_search.sql, PostgreSQL's
 * a GIN trigram index (pg_trgm) made by db/migrations-pg/0001_delivery_search.sql.
 */
export const webhookDeliveries = defineTable(
  "webhook_deliveries",
  {
    id: serialId("id"),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The endpoint row, or null for the instance-wide URL (/api/webhooks/<provider>). */
    endpointId: text("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "set null" }),
    providerId: text("provider_id").notNull(),
    /** Unique per (endpoint, hook id, delivery id), so a redelivery is recognised; null for refusals. */
    dedupeKey: text("dedupe_key"),
    deliveryId: text("delivery_id"),
    event: text("event"),
    action: text("action"),
    repository: text("repository"),
    receivedAt: epochMs("received_at").notNull(),
    headers: jsonValue("headers").$type<Record<string, string>>().notNull(),
    body: text("body").notNull(),
    bodyBytes: integer("body_bytes").notNull(),
    bodyTruncated: boolean("body_truncated").notNull().default(false),
    verified: boolean("verified").notNull(),
    reason: text("reason"),
    status: text("status", { enum: deliveryStatuses }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at"),
    leaseUntil: epochMs("lease_until"),
    replayRequested: boolean("replay_requested").notNull().default(false),
    lastError: text("last_error"),
    processingMs: integer("processing_ms"),
    workflowRunId: text("workflow_run_id"),
    /** The W3C traceparent of intake's span when tracing is on, so the processing span joins intake's trace; else null. */
    traceParent: text("trace_parent"),
    /** Set when retention dropped the body and headers; the row, status and dedupe key stay. */
    trimmedAt: epochMs("trimmed_at"),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_dedupe").on(table.dedupeKey),
    index("webhook_deliveries_workspace_time").on(table.workspaceId, table.receivedAt, table.id),
    index("webhook_deliveries_workspace_status_time").on(table.workspaceId, table.status, table.receivedAt, table.id),
    index("webhook_deliveries_workspace_provider_time").on(table.workspaceId, table.providerId, table.receivedAt, table.id),
    index("webhook_deliveries_workspace_event_time").on(table.workspaceId, table.event, table.receivedAt, table.id),
    index("webhook_deliveries_due").on(table.status, table.nextAttemptAt),
    index("webhook_deliveries_endpoint_status").on(table.endpointId, table.providerId, table.status, table.id),
    // The log viewer's search: a delivery id, or a repository by name or prefix.
    index("webhook_deliveries_workspace_delivery").on(table.workspaceId, table.deliveryId),
    index("webhook_deliveries_workspace_repository").on(table.workspaceId, table.repository),
    index("webhook_deliveries_untrimmed").on(table.trimmedAt, table.receivedAt),
  ],
);

/** One processing attempt of a delivery: when, how long, and how it ended. */
export const webhookAttempts = defineTable(
  "webhook_attempts",
  {
    id: serialId("id"),
    deliveryId: serialRef("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    trigger: text("trigger", { enum: ["automatic", "retry", "replay"] }).notNull(),
    startedAt: epochMs("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    outcome: text("outcome", { enum: ["processed", "failed"] }).notNull(),
    error: text("error"),
    note: text("note"),
  },
  (table) => [index("webhook_attempts_delivery").on(table.deliveryId, table.number)],
);

/** The columns the log's chart counts deliveries by: every filter of the log but the search and the time. */
const chartAttributes = () => ({
  providerId: text("provider_id").notNull(),
  endpointId: text("endpoint_id"),
  event: text("event"),
  action: text("action"),
  verified: boolean("verified").notNull(),
  status: text("status", { enum: deliveryStatuses }).notNull(),
  count: integer("count").notNull(),
});

/** An hour's counts by the chart's attributes. */
const chartKey = () => ({
  workspaceId: text("workspace_id").notNull(),
  /** Hours since the epoch (received_at / 3600000), UTC. */
  hour: integer("hour").notNull(),
  ...chartAttributes(),
});

/**
 * The chart's hourly counts for the hours that have closed (lib/webhooks/chart.ts rolls them up
 * from the deliveries, then folds the changes below into them). Several rows may share a key; the
 * chart sums them. No foreign key: a deleted workspace's rows are never read.
 */
export const webhookDeliveryHours = defineTable("webhook_delivery_hours", { id: serialId("id"), ...chartKey() }, (table) => [
  index("webhook_delivery_hours_workspace_hour").on(table.workspaceId, table.hour),
]);

/**
 * What changed a delivery's place in the chart after it arrived: a status or endpoint change is a
 * -1 for the old key and a +1 for the new, a deletion a -1. Written by triggers on
 * webhook_deliveries (db/migrations/0019, db/migrations-pg/0012), in the same transaction as the
 * change, so the roll-up never misses one; intake inserts write nothing here.
 */
export const webhookDeliveryChanges = defineTable("webhook_delivery_changes", { id: serialId("id"), ...chartKey() }, (table) => [
  index("webhook_delivery_changes_workspace_hour").on(table.workspaceId, table.hour),
  index("webhook_delivery_changes_hour").on(table.hour),
]);

/**
 * The same counts by UTC day (days since the epoch, received_at / 86400000), for the 30-day chart
 * and the all-time total: every row written to webhook_delivery_hours is also added to its day,
 * in the same transaction (lib/webhooks/chart.ts), so a day's rows sum to its hours' rows.
 */
export const webhookDeliveryDays = defineTable(
  "webhook_delivery_days",
  {
    id: serialId("id"),
    workspaceId: text("workspace_id").notNull(),
    /** Days since the epoch (received_at / 86400000), UTC. */
    day: integer("day").notNull(),
    ...chartAttributes(),
  },
  (table) => [index("webhook_delivery_days_workspace_day").on(table.workspaceId, table.day)],
);

/** One row (id 1): the roll-up covers the hours before next_hour (hours since the epoch). */
export const webhookDeliveryRollup = defineTable("webhook_delivery_rollup", {
  id: integer("id").primaryKey(),
  nextHour: integer("next_hour").notNull(),
});

/** A person's saved view of the log in a workspace: a name and the log's filters as a query string (lib/webhooks/views.ts). */
export const savedDeliveryViews = defineTable(
  "saved_delivery_views",
  {
    id: serialId("id"),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    query: text("query").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("saved_delivery_views_owner_name").on(table.workspaceId, table.userId, table.name)],
);
