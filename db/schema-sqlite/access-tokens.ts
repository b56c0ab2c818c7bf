import { users } from "./auth";
import { DEFAULT_WORKSPACE_ID, workspaces } from "./workspaces";
import { createdAt, defineTable, epochMs, index, integer, jsonValue, text, timestampMs, uniqueIndex } from "./common";

/**
 * A client registered by an MCP client through dynamic client registration (RFC 7591). Every
 * client is public (no secret): it proves possession with PKCE, and may only be sent back to one
 * of the redirect URIs it registered.
 */
export const oauthClients = defineTable(
  "oauth_clients",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    redirectUris: jsonValue("redirect_uris").$type<string[]>().notNull(),
    clientUri: text("client_uri"),
    /** A hash of the client address that registered it (lib/oauth-server/clients.ts), for the per-address limit; null when unknown. */
    registeredFrom: text("registered_from"),
    createdAt: createdAt(),
  },
  (table) => [index("oauth_clients_registered_from").on(table.registeredFrom, table.createdAt), index("oauth_clients_created").on(table.createdAt)],
);

export const accessTokenScopes = ["read", "write"] as const;
export type AccessTokenScope = (typeof accessTokenScopes)[number];

/**
 * A personal access token for the MCP endpoint, made on the settings page or issued to an OAuth
 * client. Only the SHA-256 of the token is kept; the token itself is shown once. The rate window
 * columns count requests per token per minute, here so that every process agrees on them.
 */
export const accessTokens = defineTable(
  "access_tokens",
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
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    scope: text("scope", { enum: accessTokenScopes }).notNull(),
    /** Set when the token was issued to an OAuth client rather than made by hand. */
    clientId: text("client_id").references(() => oauthClients.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastUsedAt: timestampMs("last_used_at"),
    expiresAt: timestampMs("expires_at"),
    revokedAt: timestampMs("revoked_at"),
    rateWindowStart: epochMs("rate_window_start").notNull().default(0),
    rateWindowCount: integer("rate_window_count").notNull().default(0),
  },
  (table) => [
    uniqueIndex("access_tokens_hash").on(table.tokenHash),
    index("access_tokens_user").on(table.userId, table.createdAt),
    // Whether a client ever obtained a token (the pending-client cap and sweep), and the cascade when a client is removed.
    index("access_tokens_client").on(table.clientId),
  ],
);

/** An authorization code: single use, five minutes, bound to the client, redirect URI and PKCE challenge. */
export const oauthAuthorizationCodes = defineTable(
  "oauth_authorization_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The workspace the token acts in: the one the person was in when they approved. */
    workspaceId: text("workspace_id").notNull().default(DEFAULT_WORKSPACE_ID),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    scope: text("scope", { enum: accessTokenScopes }).notNull(),
    resource: text("resource"),
    expiresAt: timestampMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("oauth_authorization_codes_expires").on(table.expiresAt)],
);
