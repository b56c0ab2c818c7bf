import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { connections } from "@/db/schema";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { chosenConnectionId } from "./run-scope";

export type ConnectionRow = typeof connections.$inferSelect;

/** What pages and API responses may show: never a token or key, only the key's last four characters. */
export type ConnectionSummary = Pick<
  ConnectionRow,
  "id" | "providerId" | "authKind" | "accountId" | "accountLabel" | "accountAvatar" | "expiresAt" | "status" | "lastError" | "lastRefreshedAt" | "apiKeyLast4" | "createdAt"
> & { scopes: string[] };

type SecretColumn = "access_token" | "refresh_token" | "api_key";

export function sealFor(connectionId: string, column: SecretColumn, value: string): string {
  return seal(keyRing(), value, { table: "connections", column, id: connectionId });
}

export function unsealFrom(connectionId: string, column: SecretColumn, sealed: string): string {
  return unseal(keyRing(), sealed, { table: "connections", column, id: connectionId });
}

export function toSummary(row: ConnectionRow): ConnectionSummary {
  return {
    id: row.id,
    providerId: row.providerId,
    authKind: row.authKind,
    accountId: row.accountId,
    accountLabel: row.accountLabel,
    accountAvatar: row.accountAvatar,
    scopes: row.scopes ? row.scopes.split(/[ ,]+/).filter(Boolean) : [],
    expiresAt: row.expiresAt,
    status: row.status,
    lastError: row.lastError,
    lastRefreshedAt: row.lastRefreshedAt,
    apiKeyLast4: row.apiKeyLast4,
    createdAt: row.createdAt,
  };
}

export function listConnections(userId: string): ConnectionSummary[] {
  return db().select().from(connections).where(eq(connections.userId, userId)).orderBy(asc(connections.createdAt)).all().map(toSummary);
}

/** One of this user's connections; another user's id finds nothing. */
export function findConnection(userId: string, connectionId: string): ConnectionRow | undefined {
  return db()
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.userId, userId)))
    .get();
}

/**
 * The user's connection to a provider of this kind: the one chosen for the current run when the
 * person picked an account (and it is theirs, for this provider), else the oldest.
 */
export function findConnectionFor(userId: string, providerId: string, authKind: ConnectionRow["authKind"]): ConnectionRow | undefined {
  const chosenId = chosenConnectionId(providerId);
  const chosen = chosenId ? findConnection(userId, chosenId) : undefined;
  if (chosen && chosen.providerId === providerId && chosen.authKind === authKind) return chosen;
  return db()
    .select()
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(asc(connections.createdAt))
    .get();
}

export type OAuthGrant = {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds?: number;
  scopes: string;
};

export type Account = { id: string; label: string | null; avatar: string | null };

/**
 * Saves a completed OAuth connection, unique on (user, provider, account): connecting the same
 * account again replaces its tokens. The row id is fixed before sealing, since it is the sealing context.
 */
export function upsertOAuthConnection(userId: string, providerId: string, account: Account, grant: OAuthGrant, now = new Date()): ConnectionRow {
  const database = db();
  return database.transaction((tx) => {
    const existing = tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.accountId, account.id)))
      .get();
    const id = existing?.id ?? crypto.randomUUID();
    const values = {
      authKind: "oauth2" as const,
      accountLabel: account.label,
      accountAvatar: account.avatar,
      scopes: grant.scopes,
      accessTokenSealed: sealFor(id, "access_token", grant.accessToken),
      refreshTokenSealed: grant.refreshToken ? sealFor(id, "refresh_token", grant.refreshToken) : null,
      expiresAt: grant.expiresInSeconds ? new Date(now.getTime() + grant.expiresInSeconds * 1000) : null,
      status: "active" as const,
      lastError: null,
      lastRefreshedAt: now,
      updatedAt: now,
    };
    if (existing) {
      return tx.update(connections).set(values).where(eq(connections.id, id)).returning().get();
    }
    return tx
      .insert(connections)
      .values({ id, userId, providerId, accountId: account.id, ...values })
      .returning()
      .get();
  }, { behavior: "immediate" });
}

export function deleteConnection(userId: string, connectionId: string): boolean {
  const result = db()
    .delete(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.userId, userId)))
    .run();
  return result.changes > 0;
}

/** This user's connections to one provider of one kind, oldest first: the accounts a run can choose from. */
export function listConnectionsFor(userId: string, providerId: string, authKind: ConnectionRow["authKind"]): ConnectionSummary[] {
  return db()
    .select()
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(asc(connections.createdAt))
    .all()
    .map(toSummary);
}
