import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";
import { createdAt } from "./common";

/** A webhook URL created in the UI or by registration, with its own sealed signing secret. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    description: text("description").notNull().default(""),
    secretSealed: text("secret_sealed").notNull(),
    /** After a rotation the old secret is still accepted until previousSecretExpiresAt. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "timestamp_ms" }),
    events: text("events", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Set when Patchbay registered the hook at the provider (GitHub hook id, Stripe endpoint id). */
    remoteHookId: text("remote_hook_id"),
    remoteTarget: text("remote_target"),
    createdAt: createdAt(),
  },
  (table) => [index("webhook_endpoints_user").on(table.userId)],
);

/** received: waiting for its first attempt; retrying: an attempt failed and another is scheduled (next_attempt_at). */
export const deliveryStatuses = ["received", "processing", "retrying", "processed", "failed", "rejected"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Every delivery that reached a known endpoint, accepted or refused. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The endpoint row, or null for the instance-wide URL (/api/webhooks/<provider>). */
    endpointId: text("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "set null" }),
    providerId: text("provider_id").notNull(),
    /** Unique per (endpoint, hook id, delivery id), so a redelivery is recognised; null for refusals. */
    dedupeKey: text("dedupe_key"),
    deliveryId: text("delivery_id"),
    event: text("event"),
    action: text("action"),
    repository: text("repository"),
    receivedAt: integer("received_at").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    body: text("body").notNull(),
    bodyBytes: integer("body_bytes").notNull(),
    bodyTruncated: integer("body_truncated", { mode: "boolean" }).notNull().default(false),
    verified: integer("verified", { mode: "boolean" }).notNull(),
    reason: text("reason"),
    status: text("status", { enum: deliveryStatuses }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    leaseUntil: integer("lease_until"),
    replayRequested: integer("replay_requested", { mode: "boolean" }).notNull().default(false),
    lastError: text("last_error"),
    processingMs: integer("processing_ms"),
    workflowRunId: text("workflow_run_id"),
    /** Set when retention dropped the body and headers; the row, status and dedupe key stay. */
    trimmedAt: integer("trimmed_at"),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_dedupe").on(table.dedupeKey),
    index("webhook_deliveries_user_time").on(table.userId, table.receivedAt, table.id),
    index("webhook_deliveries_user_status_time").on(table.userId, table.status, table.receivedAt, table.id),
    index("webhook_deliveries_user_provider_time").on(table.userId, table.providerId, table.receivedAt, table.id),
    index("webhook_deliveries_user_event_time").on(table.userId, table.event, table.receivedAt, table.id),
    index("webhook_deliveries_due").on(table.status, table.nextAttemptAt),
    index("webhook_deliveries_endpoint_status").on(table.endpointId, table.providerId, table.status, table.id),
    // The log viewer's search: a delivery id, or a repository by name or prefix.
    index("webhook_deliveries_user_delivery").on(table.userId, table.deliveryId),
    index("webhook_deliveries_user_repository").on(table.userId, table.repository),
    index("webhook_deliveries_untrimmed").on(table.trimmedAt, table.receivedAt),
  ],
);

/** One processing attempt of a delivery: when, how long, and how it ended. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: integer("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    trigger: text("trigger", { enum: ["automatic", "retry", "replay"] }).notNull(),
    startedAt: integer("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    outcome: text("outcome", { enum: ["processed", "failed"] }).notNull(),
    error: text("error"),
    note: text("note"),
  },
  (table) => [index("webhook_attempts_delivery").on(table.deliveryId, table.number)],
);
