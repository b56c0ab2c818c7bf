// Generated from db/schema-sqlite/connections.ts by `npm run db:schema:pg`: edit that file, not this one.
import { sql } from "drizzle-orm";
import { users } from "./auth";
import { createdAt, dbNow, defineTable, index, jsonValue, text, timestampMs, uniqueIndex } from "./common";

/**
 * A user's connection to a provider, by OAuth 2.0 or API key. Secrets are sealed (lib/crypto) with
 * this row's id as associated data; `*_sealed` columns never hold plain text.
 */
export const connections = defineTable(
  "connections",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    /** Set for a shared connection: the workspace whose members may use it. A personal one (null) acts only as its person. */
    workspaceId: text("workspace_id"),
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
    /**
     * What the provider told about this connection when it was made and its requests need (the
     * declaration's connectionValues: Salesforce's instance_url, Mailchimp's API endpoint, an
     * Atlassian cloud id): the plain ones as JSON, the secret ones sealed (JSON inside).
     */
    connectionValues: jsonValue("connection_values").$type<Record<string, string>>(),
    connectionValuesSealed: text("connection_values_sealed"),
    expiresAt: timestampMs("expires_at"),
    status: text("status", { enum: ["active", "needs_reconnect", "revoked", "error"] })
      .notNull()
      .default("active"),
    lastError: text("last_error"),
    lastRefreshedAt: timestampMs("last_refreshed_at"),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull().default(dbNow),
  },
  (table) => [
    uniqueIndex("connections_personal_account")
      .on(table.userId, table.providerId, table.accountId)
      .where(sql`${table.workspaceId} is null`),
    uniqueIndex("connections_shared_account")
      .on(table.workspaceId, table.providerId, table.accountId)
      .where(sql`${table.workspaceId} is not null`),
    index("connections_user").on(table.userId),
  ],
);

/** A pending OAuth authorization: single use, 10 minutes, bound to the user and the provider. */
export const oauthStates = defineTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Set when an admin connects a shared account: the workspace it is for. */
    sharedIn: text("shared_in"),
    providerId: text("provider_id").notNull(),
    codeVerifierSealed: text("code_verifier_sealed"),
    returnTo: text("return_to").notNull().default("/connections"),
    expiresAt: timestampMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("oauth_states_expires").on(table.expiresAt)],
);

/**
 * An instance-wide API key (a provider's `apiKey.env`) that an owner shared with members. Owners
 * always act with the instance keys; members only while a row names the key as it is now
 * (`key_sha256`: a key replaced in the environment is not shared until an owner shares it again).
 * Stopping sharing deletes the row.
 */
export const instanceKeyShares = defineTable("instance_key_shares", {
  providerId: text("provider_id").primaryKey(),
  keySha256: text("key_sha256").notNull(),
  sharedBy: text("shared_by")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  sharedAt: timestampMs("shared_at").notNull().default(dbNow),
});
