import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { affectedRows, db, transaction } from "@/db/client";
import { connections } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { chosenConnectionId } from "./run-scope";

export type ConnectionRow = typeof connections.$inferSelect;

/** What pages and API responses may show: never a token or key, only the key's last four characters. */
export type ConnectionSummary = Pick<
  ConnectionRow,
  | "id"
  | "providerId"
  | "authKind"
  | "accountId"
  | "accountLabel"
  | "accountAvatar"
  | "expiresAt"
  | "status"
  | "lastError"
  | "lastRefreshedAt"
  | "apiKeyLast4"
  | "createdAt"
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

export async function listConnections(userId: string): Promise<ConnectionSummary[]> {
  return (await db().select().from(connections).where(eq(connections.userId, userId)).orderBy(asc(connections.createdAt))).map(toSummary);
}

/** One of this user's connections; another user's id finds nothing. */
export async function findConnection(userId: string, connectionId: string): Promise<ConnectionRow | undefined> {
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.userId, userId)))
    .limit(1);
  return row;
}

/**
 * The user's connection to a provider of this kind: the one chosen for the current run when the
 * person picked an account (and it is theirs, for this provider), else the oldest.
 */
export async function findConnectionFor(userId: string, providerId: string, authKind: ConnectionRow["authKind"]): Promise<ConnectionRow | undefined> {
  const chosenId = chosenConnectionId(providerId);
  const chosen = chosenId ? await findConnection(userId, chosenId) : undefined;
  if (chosen && chosen.providerId === providerId && chosen.authKind === authKind) return chosen;
  const [oldest] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(asc(connections.createdAt))
    .limit(1);
  return oldest;
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
/**
 * Saving a connection looks for the row first (its id is the sealing context of its secrets), so
 * two saves of one (user, provider, account) take turns on this lock (db/sql/transaction-lock.ts).
 */
export function connectionLockName(userId: string, providerId: string, accountId: string): string {
  return `connection:${userId}:${providerId}:${accountId}`;
}

export async function upsertOAuthConnection(userId: string, providerId: string, account: Account, grant: OAuthGrant, now = new Date()): Promise<ConnectionRow> {
  return transaction(async (tx) => {
    await lockForTransaction(connectionLockName(userId, providerId, account.id));
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.accountId, account.id)))
      .limit(1);
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
    const [saved] = existing
      ? await tx.update(connections).set(values).where(eq(connections.id, id)).returning()
      : await tx
          .insert(connections)
          .values({ id, userId, providerId, accountId: account.id, ...values })
          .returning();
    return saved!;
  });
}

export async function deleteConnection(userId: string, connectionId: string): Promise<boolean> {
  const result = await db()
    .delete(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.userId, userId)));
  return affectedRows(result) > 0;
}

/** This user's connections to one provider of one kind, oldest first: the accounts a run can choose from. */
export async function listConnectionsFor(userId: string, providerId: string, authKind: ConnectionRow["authKind"]): Promise<ConnectionSummary[]> {
  const rows = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(asc(connections.createdAt));
  return rows.map(toSummary);
}
