import "server-only";
import { eq } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import { db } from "@/db/client";
import { withLock } from "@/db/locks";
import { connections } from "@/db/schema";
import { describeOAuthFailure, oauthErrorCode, oauthSetup } from "@/lib/connections/oauth/client";
import { getProvider, type Provider } from "@/lib/providers";
import { log, recordTokenRefresh } from "@/lib/platform";
import { raiseAlert } from "@/lib/outbox";
import { membershipsOf } from "@/lib/auth";
import { connectionTemplateValues } from "./connection-values";
import { ConnectionError } from "./errors";
import { noteConnectionUsed } from "./run-scope";
import { findConnectionFor, sealFor, unsealFrom, type ConnectionRow } from "./store";

/** A token that expires within this window is refreshed before use. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

// dialect: refresh single-flight. In one process the map below shares a refresh among its callers;
// across processes withLock (db/locks.ts: an advisory lock on PostgreSQL, an in-process queue on
// SQLite) lets one refresh at a time, and the row read under the lock shows another's result.
const refreshesInFlight = new Map<string, Promise<string>>();

function knownProvider(providerId: string): Provider {
  const provider = getProvider(providerId);
  if (!provider) throw new ConnectionError("unknown_provider", `There is no provider "${providerId}".`);
  return provider;
}

/**
 * The workspaces told about a connection's trouble: a shared one's own, or for a personal one every
 * workspace its person works in (where their runs would fail).
 */
async function alertWorkspaces(row: ConnectionRow): Promise<string[]> {
  if (row.workspaceId) return [row.workspaceId];
  return (await membershipsOf(row.userId)).map((membership) => membership.workspaceId);
}

async function raiseConnectionAlert(row: ConnectionRow, alert: Parameters<typeof raiseAlert>[1]): Promise<void> {
  for (const workspaceId of await alertWorkspaces(row)) await raiseAlert(workspaceId, alert);
}

async function markNeedsReconnect(row: ConnectionRow, reason: string): Promise<void> {
  await db().update(connections).set({ status: "needs_reconnect", lastError: reason, updatedAt: new Date() }).where(eq(connections.id, row.id));
  const name = getProvider(row.providerId)?.name ?? row.providerId;
  await raiseConnectionAlert(row, {
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
      setup.refreshAs,
      setup.client,
      setup.clientAuth,
      unsealFrom(row.id, "refresh_token", row.refreshTokenSealed),
      setup.options,
    );
    tokens = await oauth.processRefreshTokenResponse(setup.refreshAs, setup.client, response, setup.processOptions);
  } catch (error) {
    const code = oauthErrorCode(error);
    if (code && setup.provider.oauth2.invalidGrantErrors.includes(code)) {
      recordTokenRefresh(provider.id, "needs_reconnect");
      await markNeedsReconnect(row, `${provider.name} no longer accepts this connection (${code}).`);
      throw new ConnectionError("needs_reconnect", `${provider.name} revoked or expired this connection. Reconnect it on the Connections page.`);
    }
    const reason = code ? `refresh refused (${code})` : `refresh failed: ${describeOAuthFailure(error)}`;
    recordTokenRefresh(provider.id, "failure");
    // Not a lost grant: the provider failed or answered oddly. The connection shows "Error" with the
    // reason until a later refresh succeeds, which sets it back to active.
    await db().update(connections).set({ status: "error", lastError: reason, updatedAt: new Date() }).where(eq(connections.id, row.id));
    log.warn("token refresh failed", { connection: row.id, provider: provider.id, reason });
    await raiseConnectionAlert(row, {
      kind: "token_refresh_failed",
      subject: `connection:${row.id}`,
      title: `Refreshing the ${provider.name} token (${row.accountLabel ?? row.accountId}) failed`,
      detail: `${reason}. The connection shows Error until a refresh succeeds.`,
      link: "/connections",
    });
    throw new ConnectionError("refresh_failed", `Could not refresh the ${provider.name} token: ${reason}. Try again shortly.`);
  }
  recordTokenRefresh(provider.id, "success");
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

function due(row: ConnectionRow, now: number): boolean {
  return row.expiresAt !== null && row.expiresAt.getTime() - now < REFRESH_MARGIN_MS;
}

/**
 * The refresh itself, under the connection's lock, on the row as it is once the lock is taken:
 * when another process refreshed it while this one waited (a new token, or one no longer due),
 * that token is used and no request is made; a grant found lost meanwhile is not retried.
 */
async function refreshUnderLock(provider: Provider, seen: ConnectionRow, now: number): Promise<string> {
  return withLock(`refresh:${seen.id}`, async () => {
    const [row] = await db().select().from(connections).where(eq(connections.id, seen.id)).limit(1);
    if (!row || !row.accessTokenSealed) throw new ConnectionError("not_connected", `Connect ${provider.name} first on the Connections page.`);
    if (row.status !== seen.status && (row.status === "needs_reconnect" || row.status === "revoked")) {
      throw new ConnectionError("needs_reconnect", `Your ${provider.name} connection needs to be reconnected on the Connections page.`);
    }
    if (row.accessTokenSealed !== seen.accessTokenSealed || !due(row, now)) return unsealFrom(row.id, "access_token", row.accessTokenSealed);
    return refresh(provider, row);
  });
}

/**
 * At most one refresh per connection at a time: concurrent callers of this process share the one
 * in flight (refreshesInFlight), and processes take turns on the connection's lock.
 */
function refreshOnce(provider: Provider, row: ConnectionRow, now: number): Promise<string> {
  const pending = refreshesInFlight.get(row.id);
  if (pending) return pending;
  const started = refreshUnderLock(provider, row, now).finally(() => refreshesInFlight.delete(row.id));
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
  if (due(row, now)) return refreshOnce(provider, row, now);
  return unsealFrom(row.id, "access_token", row.accessTokenSealed!);
}

/**
 * A live access token for this user's connection to the provider, refreshed first when it
 * expires within five minutes. Tools call this at run time; the token never leaves the server.
 */
export async function getAccessToken(
  userId: string,
  providerId: string,
  now = Date.now(),
): Promise<{ accessToken: string; connectionId: string; values: Record<string, string> }> {
  const provider = knownProvider(providerId);
  const row = await findConnectionFor(userId, providerId, "oauth2");
  if (!row || !row.accessTokenSealed) {
    throw new ConnectionError("not_connected", `Connect ${provider.name} first on the Connections page.`);
  }
  if (row.status === "needs_reconnect" || row.status === "revoked") {
    throw new ConnectionError("needs_reconnect", `Your ${provider.name} connection needs to be reconnected on the Connections page.`);
  }
  noteConnectionUsed(providerId, row.id);
  return { accessToken: await liveAccessToken(provider, row, now), connectionId: row.id, values: connectionTemplateValues(row) };
}
