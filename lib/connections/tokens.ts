import "server-only";
import { eq } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import { db } from "@/db/client";
import { connections } from "@/db/schema";
import { describeOAuthFailure, oauthErrorCode, oauthSetup } from "@/lib/oauth/client";
import { getProvider, type Provider } from "@/lib/providers";
import { log } from "@/lib/log";
import { raiseAlert } from "@/lib/outbox/alerts";
import { ConnectionError } from "./errors";
import { noteConnectionUsed } from "./run-scope";
import { findConnectionFor, sealFor, unsealFrom, type ConnectionRow } from "./store";

/** A token that expires within this window is refreshed before use. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

// dialect: refresh single-flight (PostgreSQL: advisory lock)
const refreshesInFlight = new Map<string, Promise<string>>();

function knownProvider(providerId: string): Provider {
  const provider = getProvider(providerId);
  if (!provider) throw new ConnectionError("unknown_provider", `There is no provider "${providerId}".`);
  return provider;
}

async function markNeedsReconnect(row: ConnectionRow, reason: string): Promise<void> {
  await db().update(connections).set({ status: "needs_reconnect", lastError: reason, updatedAt: new Date() }).where(eq(connections.id, row.id));
  const name = getProvider(row.providerId)?.name ?? row.providerId;
  await raiseAlert(row.userId, {
    kind: "connection_needs_reconnect",
    subject: `connection:${row.id}`,
    title: `${name} (${row.accountLabel ?? row.accountId}) needs reconnecting`,
    detail: reason,
    link: "/connections",
  });
}

async function refresh(provider: Provider, row: ConnectionRow): Promise<string> {
  if (!row.refreshTokenSealed) {
    await markNeedsReconnect(row, "The token expired and the provider gave no refresh token.");
    throw new ConnectionError("needs_reconnect", `Your ${provider.name} connection expired. Reconnect it on the Connections page.`);
  }
  const setup = oauthSetup(provider);
  let tokens: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      setup.as,
      setup.client,
      setup.clientAuth,
      unsealFrom(row.id, "refresh_token", row.refreshTokenSealed),
      setup.options,
    );
    tokens = await oauth.processRefreshTokenResponse(setup.as, setup.client, response, setup.processOptions);
  } catch (error) {
    const code = oauthErrorCode(error);
    if (code && setup.provider.oauth2.invalidGrantErrors.includes(code)) {
      await markNeedsReconnect(row, `${provider.name} no longer accepts this connection (${code}).`);
      throw new ConnectionError("needs_reconnect", `${provider.name} revoked or expired this connection. Reconnect it on the Connections page.`);
    }
    const reason = code ? `refresh refused (${code})` : `refresh failed: ${describeOAuthFailure(error)}`;
    // Not a lost grant: the provider failed or answered oddly. The connection shows "Error" with the
    // reason until a later refresh succeeds, which sets it back to active.
    await db().update(connections).set({ status: "error", lastError: reason, updatedAt: new Date() }).where(eq(connections.id, row.id));
    log.warn("token refresh failed", { connection: row.id, provider: provider.id, reason });
    await raiseAlert(row.userId, {
      kind: "token_refresh_failed",
      subject: `connection:${row.id}`,
      title: `Refreshing the ${provider.name} token (${row.accountLabel ?? row.accountId}) failed`,
      detail: `${reason}. The connection shows Error until a refresh succeeds.`,
      link: "/connections",
    });
    throw new ConnectionError("refresh_failed", `Could not refresh the ${provider.name} token: ${reason}. Try again shortly.`);
  }
  const now = new Date();
  // Providers that rotate refresh tokens (GitHub) send a new pair; both are saved in one statement.
  await db()
    .update(connections)
    .set({
      accessTokenSealed: sealFor(row.id, "access_token", tokens.access_token),
      refreshTokenSealed: tokens.refresh_token ? sealFor(row.id, "refresh_token", tokens.refresh_token) : row.refreshTokenSealed,
      expiresAt: tokens.expires_in ? new Date(now.getTime() + tokens.expires_in * 1000) : null,
      scopes: tokens.scope ?? row.scopes,
      status: "active",
      lastError: null,
      lastRefreshedAt: now,
      updatedAt: now,
    })
    .where(eq(connections.id, row.id));
  return tokens.access_token;
}

/**
 * At most one refresh per connection at a time: concurrent callers share the one in flight. The
 * lock is this process's map (refreshesInFlight), enough while one process owns the database.
 */
function refreshOnce(provider: Provider, row: ConnectionRow): Promise<string> {
  const pending = refreshesInFlight.get(row.id);
  if (pending) return pending;
  const started = refresh(provider, row).finally(() => refreshesInFlight.delete(row.id));
  refreshesInFlight.set(row.id, started);
  return started;
}

/**
 * The connection's access token, refreshed first (sharing any refresh in flight) when it expires
 * within five minutes. For callers such as disconnect that hold the row already.
 */
export async function liveAccessToken(provider: Provider, row: ConnectionRow, now = Date.now()): Promise<string> {
  const pending = refreshesInFlight.get(row.id);
  if (pending) return pending;
  if (row.expiresAt && row.expiresAt.getTime() - now < REFRESH_MARGIN_MS) return refreshOnce(provider, row);
  return unsealFrom(row.id, "access_token", row.accessTokenSealed!);
}

/**
 * A live access token for this user's connection to the provider, refreshed first when it
 * expires within five minutes. Tools call this at run time; the token never leaves the server.
 */
export async function getAccessToken(userId: string, providerId: string, now = Date.now()): Promise<{ accessToken: string; connectionId: string }> {
  const provider = knownProvider(providerId);
  const row = await findConnectionFor(userId, providerId, "oauth2");
  if (!row || !row.accessTokenSealed) {
    throw new ConnectionError("not_connected", `Connect ${provider.name} first on the Connections page.`);
  }
  if (row.status === "needs_reconnect" || row.status === "revoked") {
    throw new ConnectionError("needs_reconnect", `Your ${provider.name} connection needs to be reconnected on the Connections page.`);
  }
  noteConnectionUsed(providerId, row.id);
  return { accessToken: await liveAccessToken(provider, row, now), connectionId: row.id };
}
