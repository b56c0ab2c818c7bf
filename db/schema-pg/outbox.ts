// Generated from db/schema-sqlite/outbox.ts by `npm run db:schema:pg`: edit that file, not this one.
import { sql } from "drizzle-orm";
import { users } from "./auth";
import { workspaces } from "./workspaces";
import { webhookDeliveries, webhookEndpoints } from "./webhooks";
import { boolean, defineTable, emptyJsonList, epochMs, index, integer, jsonValue, primaryKey, serialId, serialRef, text, uniqueIndex } from "./common";

export const alertKinds = [
  "connection_needs_reconnect",
  "token_refresh_failed",
  "delivery_failed",
  "endpoint_failing",
  "forward_failed",
  "automation_failed",
] as const;
export type AlertKind = (typeof alertKinds)[number];

export const issueStatuses = ["open", "resolved", "ignored", "muted"] as const;
export type IssueStatus = (typeof issueStatuses)[number];

/**
 * An issue: failures grouped by cause. `fingerprint` (kind, subject and the error with its ids and
 * numbers taken out) is unique per workspace, so every recurrence counts on one row; a recurrence
 * after Resolve (or after a mute ran out) opens it again and its channels are told once more.
 */
export const alerts = defineTable(
  "alerts",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: alertKinds }).notNull(),
    /** What failed, without the error: a connection, a destination, a source and its event. */
    subject: text("subject").notNull(),
    fingerprint: text("fingerprint").notNull(),
    title: text("title").notNull(),
    /** The latest occurrence's detail (its error as it was, ids included). */
    detail: text("detail").notNull().default(""),
    link: text("link").notNull(),
    status: text("status", { enum: issueStatuses }).notNull().default("open"),
    /** Until when a muted issue stays quiet; a recurrence after it opens the issue again. */
    mutedUntil: epochMs("muted_until"),
    /** How many times it was opened (1, then 2 after the first reopening, ...): each opening is told to the channels once. */
    openings: integer("openings").notNull().default(1),
    occurrences: integer("occurrences").notNull().default(1),
    /** First seen. */
    createdAt: epochMs("created_at").notNull(),
    lastSeenAt: epochMs("last_seen_at").notNull(),
    /** When the status last changed (opened, resolved, ignored, muted). */
    statusChangedAt: epochMs("status_changed_at").notNull(),
  },
  (table) => [
    uniqueIndex("alerts_workspace_fingerprint").on(table.workspaceId, table.fingerprint),
    index("alerts_workspace_status_seen").on(table.workspaceId, table.status, table.lastSeenAt),
  ],
);

/** The deliveries an issue was seen on (each once), newest last seen first on the issue's page. */
export const alertDeliveries = defineTable(
  "alert_deliveries",
  {
    alertId: text("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    deliveryId: serialRef("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    seenAt: epochMs("seen_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.alertId, table.deliveryId] }), index("alert_deliveries_alert_seen").on(table.alertId, table.seenAt)],
);

/** Where a person's alerts are sent: a Slack channel through their Slack connection, or a signed POST to a URL. */
export const alertChannels = defineTable(
  "alert_channels",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Who made it: a Slack channel is posted to through their Slack connection. */
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["slack", "webhook"] }).notNull(),
    /** The Slack channel (name or id) or the receiving URL. */
    target: text("target").notNull(),
    /** Standard Webhooks signing secret (whsec_...), for kind webhook. */
    secretSealed: text("secret_sealed"),
    createdAt: epochMs("created_at").notNull(),
  },
  (table) => [index("alert_channels_workspace").on(table.workspaceId)],
);

/** A destination that receives an endpoint's verified deliveries, re-signed with Standard Webhooks. */
export const forwardDestinations = defineTable(
  "forward_destinations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    /** The endpoint whose deliveries are forwarded, or null for the provider's instance-wide URL. */
    endpointId: text("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    /** `event` or `event.action` entries; empty forwards every verified delivery. */
    events: jsonValue("events").$type<string[]>().notNull().default(emptyJsonList),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: epochMs("created_at").notNull(),
  },
  (table) => [index("forward_destinations_workspace").on(table.workspaceId), index("forward_destinations_endpoint").on(table.providerId, table.endpointId)],
);

/**
 * One message to send: a forwarded delivery or an alert notification. Its id is the Standard
 * Webhooks `webhook-id`, the same on every attempt, so receivers can deduplicate. Sent at least
 * once, with the delivery retry schedule, leased like deliveries so a crash loses nothing.
 */
export const outboundMessages = defineTable(
  "outbound_messages",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["forward", "alert", "replay", "test"] }).notNull(),
    deliveryId: serialRef("delivery_id").references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    destinationId: text("destination_id").references(() => forwardDestinations.id, { onDelete: "cascade" }),
    alertId: text("alert_id").references(() => alerts.id, { onDelete: "cascade" }),
    channelId: text("channel_id").references(() => alertChannels.id, { onDelete: "cascade" }),
    /** For an alert: which opening of the issue it tells (alerts.openings), so a reopening is told once more. */
    alertOpening: integer("alert_opening"),
    /** Where a replay goes instead of its destination's URL (checked like a destination's). */
    url: text("url"),
    /** The body sent instead of the delivery's: an edited replay, or a test event. */
    body: text("body"),
    status: text("status", { enum: ["pending", "sending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at"),
    leaseUntil: epochMs("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: epochMs("created_at").notNull(),
    deliveredAt: epochMs("delivered_at"),
  },
  (table) => [
    // One forward per delivery and destination; replays and test events may repeat.
    uniqueIndex("outbound_messages_forward")
      .on(table.deliveryId, table.destinationId)
      .where(sql`${table.kind} = 'forward'`),
    uniqueIndex("outbound_messages_alert").on(table.alertId, table.channelId, table.alertOpening),
    index("outbound_messages_due").on(table.status, table.nextAttemptAt),
  ],
);

/** One attempt to send an outbound message: when, how long, and what the receiver answered. */
export const outboundAttempts = defineTable(
  "outbound_attempts",
  {
    id: serialId("id"),
    messageId: text("message_id")
      .notNull()
      .references(() => outboundMessages.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    startedAt: epochMs("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    statusCode: integer("status_code"),
    /** The head of the receiver's answer: its first bytes (bounded), kept to show what it said. */
    responseHead: text("response_head"),
    error: text("error"),
  },
  (table) => [index("outbound_attempts_message").on(table.messageId, table.number)],
);
