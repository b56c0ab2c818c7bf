import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AdapterAccountType } from "next-auth/adapters";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** Auth.js user table (column names as @auth/drizzle-adapter expects), plus local-account fields. */
export const users = sqliteTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: integer("emailVerified", { mode: "timestamp_ms" }),
  image: text("image"),
  passwordHash: text("password_hash"),
  role: text("role", { enum: ["owner", "member"] }).notNull().default("member"),
  createdAt: createdAt(),
});

/**
 * Auth.js account table: links a user to a sign-in provider (GitHub sign-in). The sign-in
 * provider's tokens are never stored (see lib/auth.ts); connecting services lives elsewhere.
 */
export const accounts = sqliteTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").$type<AdapterAccountType>().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (account) => [primaryKey({ columns: [account.provider, account.providerAccountId] })],
);

/** Failed sign-in attempts per client address, to slow down password guessing. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  firstFailureAt: integer("first_failure_at", { mode: "timestamp_ms" }).notNull(),
  blockedUntil: integer("blocked_until", { mode: "timestamp_ms" }),
});

/**
 * A user's connection to a provider, by OAuth 2.0 or API key. Secrets are sealed (lib/crypto) with
 * this row's id as associated data; `*_sealed` columns never hold plain text.
 */
export const connections = sqliteTable(
  "connections",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    authKind: text("auth_kind", { enum: ["oauth2", "api_key"] }).notNull(),
    accountId: text("account_id").notNull(),
    accountLabel: text("account_label"),
    accountAvatar: text("account_avatar"),
    scopes: text("scopes").notNull().default(""),
    accessTokenSealed: text("access_token_sealed"),
    refreshTokenSealed: text("refresh_token_sealed"),
    apiKeySealed: text("api_key_sealed"),
    apiKeyLast4: text("api_key_last4"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    status: text("status", { enum: ["active", "needs_reconnect", "revoked", "error"] }).notNull().default("active"),
    lastError: text("last_error"),
    lastRefreshedAt: integer("last_refreshed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [
    uniqueIndex("connections_user_provider_account").on(table.userId, table.providerId, table.accountId),
    index("connections_user").on(table.userId),
  ],
);

/** A pending OAuth authorization: single use, 10 minutes, bound to the user and the provider. */
export const oauthStates = sqliteTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    codeVerifierSealed: text("code_verifier_sealed"),
    returnTo: text("return_to").notNull().default("/connections"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("oauth_states_expires").on(table.expiresAt)],
);

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

export const runTriggers = ["manual", "webhook", "replay"] as const;
/** Tools also run for an agent's conversation or an MCP client, besides by hand. */
export const toolRunTriggers = [...runTriggers, "agent", "mcp"] as const;

/**
 * A conversation with the agent. Its messages hold what the model saw and said, never a credential:
 * tools fetch tokens at run time from the user id.
 */
export const agentConversations = sqliteTable(
  "agent_conversations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [index("agent_conversations_user_time").on(table.userId, table.updatedAt)],
);

/** One message of a conversation in the model's message format (user, assistant with tool calls, tool results). */
export const agentMessages = sqliteTable(
  "agent_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => agentConversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant", "tool"] }).notNull(),
    content: text("content", { mode: "json" }).$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("agent_messages_conversation").on(table.conversationId, table.id)],
);

/**
 * Each tool call the model made in a conversation: what it asked for, whether it waits for the
 * person's approval, and the run that answered it.
 */
export const agentToolCalls = sqliteTable(
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
    input: text("input", { mode: "json" }).$type<unknown>().notNull(),
    writes: integer("writes", { mode: "boolean" }).notNull(),
    status: text("status", { enum: ["pending_approval", "running", "succeeded", "failed", "denied"] }).notNull(),
    runId: text("run_id"),
    output: text("output", { mode: "json" }).$type<unknown>(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("agent_tool_calls_call").on(table.conversationId, table.toolCallId)],
);

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
  },
  (table) => [
    index("tool_runs_user_tool_time").on(table.userId, table.toolId, table.startedAt),
    index("tool_runs_user_time").on(table.userId, table.startedAt),
    index("tool_runs_conversation").on(table.conversationId),
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

/**
 * An imported OpenAPI description: the document as given, the server and credential the user chose
 * for it. Its operations (below) are the tools; re-importing the same API replaces them.
 */
export const openapiSpecs = sqliteTable(
  "openapi_specs",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The prefix of every tool id from this API (`petstore.listPets`): unique per user. */
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    version: text("version").notNull(),
    description: text("description").notNull().default(""),
    specVersion: text("spec_version").notNull(),
    sourceUrl: text("source_url"),
    document: text("document").notNull(),
    serverUrl: text("server_url").notNull(),
    securitySchemes: text("security_schemes", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** How calls authenticate: nothing, one of the user's connections, or a secret sealed here. */
    authKind: text("auth_kind", { enum: ["none", "connection", "secret"] }).notNull().default("none"),
    authScheme: text("auth_scheme"),
    authProviderId: text("auth_provider_id"),
    credentialSealed: text("credential_sealed"),
    credentialLast4: text("credential_last4"),
    operationCount: integer("operation_count").notNull(),
    /** What the description gets wrong but was read anyway, each with its location. */
    warnings: text("warnings", { mode: "json" }).$type<{ location: string; message: string }[]>().notNull().default([]),
    /** Operations that could not become tools, each with its reason. */
    skipped: text("skipped", { mode: "json" }).$type<{ method: string; path: string; location: string; reason: string }[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [uniqueIndex("openapi_specs_user_slug").on(table.userId, table.slug)],
);

/** One operation of an imported description: a tool with its input schema and how to build its request. */
export const openapiOperations = sqliteTable(
  "openapi_operations",
  {
    specId: text("spec_id")
      .notNull()
      .references(() => openapiSpecs.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    toolId: text("tool_id").notNull(),
    operationId: text("operation_id"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    deprecated: integer("deprecated", { mode: "boolean" }).notNull().default(false),
    inputSchema: text("input_schema", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    request: text("request", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Only enabled operations are tools (runner, agent, MCP); the person chooses which. */
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  },
  (table) => [primaryKey({ columns: [table.userId, table.toolId] }), index("openapi_operations_spec").on(table.specId)],
);

/**
 * A client registered by an MCP client through dynamic client registration (RFC 7591). Every
 * client is public (no secret): it proves possession with PKCE, and may only be sent back to one
 * of the redirect URIs it registered.
 */
export const oauthClients = sqliteTable("oauth_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
  clientUri: text("client_uri"),
  createdAt: createdAt(),
});

export const accessTokenScopes = ["read", "write"] as const;
export type AccessTokenScope = (typeof accessTokenScopes)[number];

/**
 * A personal access token for the MCP endpoint, made on the settings page or issued to an OAuth
 * client. Only the SHA-256 of the token is kept; the token itself is shown once. The rate window
 * columns count requests per token per minute, here so that every process agrees on them.
 */
export const accessTokens = sqliteTable(
  "access_tokens",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    scope: text("scope", { enum: accessTokenScopes }).notNull(),
    /** Set when the token was issued to an OAuth client rather than made by hand. */
    clientId: text("client_id").references(() => oauthClients.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    rateWindowStart: integer("rate_window_start").notNull().default(0),
    rateWindowCount: integer("rate_window_count").notNull().default(0),
  },
  (table) => [uniqueIndex("access_tokens_hash").on(table.tokenHash), index("access_tokens_user").on(table.userId, table.createdAt)],
);

/** An authorization code: single use, five minutes, bound to the client, redirect URI and PKCE challenge. */
export const oauthAuthorizationCodes = sqliteTable(
  "oauth_authorization_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    scope: text("scope", { enum: accessTokenScopes }).notNull(),
    resource: text("resource"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("oauth_authorization_codes_expires").on(table.expiresAt)],
);

export const alertKinds = ["connection_needs_reconnect", "token_refresh_failed", "delivery_failed", "endpoint_failing", "forward_failed"] as const;
export type AlertKind = (typeof alertKinds)[number];

/**
 * Something a person should look at. While open, `openKey` (kind + subject) is set and unique per
 * user, so a condition raises one alert however often it recurs; acknowledging clears the key.
 */
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: alertKinds }).notNull(),
    subject: text("subject").notNull(),
    openKey: text("open_key"),
    title: text("title").notNull(),
    detail: text("detail").notNull().default(""),
    link: text("link").notNull(),
    createdAt: integer("created_at").notNull(),
    acknowledgedAt: integer("acknowledged_at"),
  },
  (table) => [uniqueIndex("alerts_user_open").on(table.userId, table.openKey), index("alerts_user_time").on(table.userId, table.createdAt)],
);

/** Where a person's alerts are sent: a Slack channel through their Slack connection, or a signed POST to a URL. */
export const alertChannels = sqliteTable(
  "alert_channels",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["slack", "webhook"] }).notNull(),
    /** The Slack channel (name or id) or the receiving URL. */
    target: text("target").notNull(),
    /** Standard Webhooks signing secret (whsec_...), for kind webhook. */
    secretSealed: text("secret_sealed"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("alert_channels_user").on(table.userId)],
);

/** A destination that receives an endpoint's verified deliveries, re-signed with Standard Webhooks. */
export const forwardDestinations = sqliteTable(
  "forward_destinations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: text("provider_id").notNull(),
    /** The endpoint whose deliveries are forwarded, or null for the provider's instance-wide URL. */
    endpointId: text("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    /** `event` or `event.action` entries; empty forwards every verified delivery. */
    events: text("events", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("forward_destinations_user").on(table.userId), index("forward_destinations_endpoint").on(table.providerId, table.endpointId)],
);

/**
 * One message to send: a forwarded delivery or an alert notification. Its id is the Standard
 * Webhooks `webhook-id`, the same on every attempt, so receivers can deduplicate. Sent at least
 * once, with the delivery retry schedule, leased like deliveries so a crash loses nothing.
 */
export const outboundMessages = sqliteTable(
  "outbound_messages",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["forward", "alert"] }).notNull(),
    deliveryId: integer("delivery_id").references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    destinationId: text("destination_id").references(() => forwardDestinations.id, { onDelete: "cascade" }),
    alertId: text("alert_id").references(() => alerts.id, { onDelete: "cascade" }),
    channelId: text("channel_id").references(() => alertChannels.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "sending", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    leaseUntil: integer("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (table) => [
    uniqueIndex("outbound_messages_forward").on(table.deliveryId, table.destinationId),
    uniqueIndex("outbound_messages_alert").on(table.alertId, table.channelId),
    index("outbound_messages_due").on(table.status, table.nextAttemptAt),
  ],
);

/** One attempt to send an outbound message: when, how long, and what the receiver answered. */
export const outboundAttempts = sqliteTable(
  "outbound_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    messageId: text("message_id")
      .notNull()
      .references(() => outboundMessages.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    startedAt: integer("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
  },
  (table) => [index("outbound_attempts_message").on(table.messageId, table.number)],
);
