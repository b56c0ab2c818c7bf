import { users } from "./auth";
import { workspaces } from "./workspaces";
import { webhookDeliveries, webhookEndpoints } from "./webhooks";
import { boolean, defineTable, emptyJsonList, epochMs, index, integer, jsonValue, serialId, serialRef, text, uniqueIndex } from "./common";

export const alertKinds = [
  "connection_needs_reconnect",
  "token_refresh_failed",
  "delivery_failed",
  "endpoint_failing",
  "forward_failed",
  "automation_failed",
] as const;
export type AlertKind = (typeof alertKinds)[number];

/**
 * Something a person should look at. While open, `openKey` (kind + subject) is set and unique per
 * user, so a condition raises one alert however often it recurs; acknowledging clears the key.
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
    subject: text("subject").notNull(),
    openKey: text("open_key"),
    title: text("title").notNull(),
    detail: text("detail").notNull().default(""),
    link: text("link").notNull(),
    createdAt: epochMs("created_at").notNull(),
    acknowledgedAt: epochMs("acknowledged_at"),
  },
  (table) => [uniqueIndex("alerts_workspace_open").on(table.workspaceId, table.openKey), index("alerts_workspace_time").on(table.workspaceId, table.createdAt)],
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
    kind: text("kind", { enum: ["forward", "alert"] }).notNull(),
    deliveryId: serialRef("delivery_id").references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    destinationId: text("destination_id").references(() => forwardDestinations.id, { onDelete: "cascade" }),
    alertId: text("alert_id").references(() => alerts.id, { onDelete: "cascade" }),
    channelId: text("channel_id").references(() => alertChannels.id, { onDelete: "cascade" }),
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
    uniqueIndex("outbound_messages_forward").on(table.deliveryId, table.destinationId),
    uniqueIndex("outbound_messages_alert").on(table.alertId, table.channelId),
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
    error: text("error"),
  },
  (table) => [index("outbound_attempts_message").on(table.messageId, table.number)],
);
