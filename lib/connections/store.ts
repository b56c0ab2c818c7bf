import "server-only";
import { and, asc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { affectedRows, db, transaction } from "@/db/client";
import { connections } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { chosenConnectionId, scopeWorkspaceId } from "./run-scope";

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
> & { scopes: string[]; shared: boolean };

type SecretColumn = "access_token" | "refresh_token" | "api_key" | "connection_values";

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
    shared: row.workspaceId !== null,
  };
}

/** A person's own connections (not the shared ones they made for a workspace). */
export async function listConnections(userId: string): Promise<ConnectionSummary[]> {
  return (
    await db()
      .select()
      .from(connections)
      .where(and(eq(connections.userId, userId), isNull(connections.workspaceId)))
      .orderBy(asc(connections.createdAt))
  ).map(toSummary);
}

/** A workspace's shared connections (bots and service accounts its admins connected). */
export async function listSharedConnections(workspaceId: string): Promise<ConnectionSummary[]> {
  return (await db().select().from(connections).where(eq(connections.workspaceId, workspaceId)).orderBy(asc(connections.createdAt))).map(toSummary);
}

/** Whose a connection is: the person's own, or shared in the given workspace (when there is one). */
function usableBy(userId: string, workspaceId: string | null | undefined): SQL {
  const own = and(eq(connections.userId, userId), isNull(connections.workspaceId))!;
  return workspaceId ? or(own, eq(connections.workspaceId, workspaceId))! : own;
}

/**
 * A connection this person may act with: their own, or one shared in the workspace of the current
 * work (see run-scope.ts) or the one given (null: their own only). Another person's personal connection finds nothing.
 */
export async function findConnection(
  userId: string,
  connectionId: string,
  workspaceId: string | null | undefined = scopeWorkspaceId(),
): Promise<ConnectionRow | undefined> {
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), usableBy(userId, workspaceId)))
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
  // The person's own account first, then the workspace's shared one.
  const [oldest] = await db()
    .select()
    .from(connections)
    .where(and(usableBy(userId, scopeWorkspaceId()), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(sql`${connections.workspaceId} is not null`, asc(connections.createdAt))
    .limit(1);
  return oldest;
}

/** A connection's values, as discovered (connection-values.ts): plain ones kept as they are, secret ones sealed. */
export type ConnectionValues = { plain: Record<string, string>; secret: Record<string, string> };

/** The columns a connection keeps its values in: plain JSON, and the secret ones sealed (JSON inside) with the row's id. */
function valueColumns(connectionId: string, values: ConnectionValues | undefined) {
  if (!values) return { connectionValues: null, connectionValuesSealed: null };
  const secret = Object.keys(values.secret).length > 0 ? sealFor(connectionId, "connection_values", JSON.stringify(values.secret)) : null;
  return { connectionValues: Object.keys(values.plain).length > 0 ? values.plain : null, connectionValuesSealed: secret };
}

export type OAuthGrant = {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds?: number;
  scopes: string;
  /** What the provider told about this connection (connection-values.ts), kept with it. */
  values?: ConnectionValues;
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
export function connectionLockName(owner: string, providerId: string, accountId: string): string {
  return `connection:${owner}:${providerId}:${accountId}`;
}

/** Where a new connection goes: the person's own (personal), or shared in a workspace (made by one of its admins). */
export type ConnectionOwner = { userId: string; sharedIn?: string };

/** The row a (person or shared workspace, provider, account) already has, in one transaction. */
export function sameAccount(owner: ConnectionOwner, providerId: string, accountId: string): SQL {
  const whose = owner.sharedIn ? eq(connections.workspaceId, owner.sharedIn) : and(eq(connections.userId, owner.userId), isNull(connections.workspaceId));
  return and(whose, eq(connections.providerId, providerId), eq(connections.accountId, accountId))!;
}

export async function upsertOAuthConnection(
  who: string | ConnectionOwner,
  providerId: string,
  account: Account,
  grant: OAuthGrant,
  now = new Date(),
): Promise<ConnectionRow> {
  const owner = typeof who === "string" ? { userId: who } : who;
  const { userId } = owner;
  return transaction(async (tx) => {
    await lockForTransaction(connectionLockName(owner.sharedIn ?? userId, providerId, account.id));
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(sameAccount(owner, providerId, account.id))
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
      ...valueColumns(id, grant.values),
      status: "active" as const,
      lastError: null,
      lastRefreshedAt: now,
      updatedAt: now,
    };
    const [saved] = existing
      ? await tx.update(connections).set(values).where(eq(connections.id, id)).returning()
      : await tx
          .insert(connections)
          .values({ id, userId, workspaceId: owner.sharedIn ?? null, providerId, accountId: account.id, ...values })
          .returning();
    return saved!;
  });
}

/** Deletes one of the person's own connections. */
export async function deleteConnection(userId: string, connectionId: string): Promise<boolean> {
  const result = await db()
    .delete(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.userId, userId), isNull(connections.workspaceId)));
  return affectedRows(result) > 0;
}

export async function deleteSharedConnection(workspaceId: string, connectionId: string): Promise<boolean> {
  const result = await db()
    .delete(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)));
  return affectedRows(result) > 0;
}

/** A workspace's shared connection, for its admins to manage. */
export async function findSharedConnection(workspaceId: string, connectionId: string): Promise<ConnectionRow | undefined> {
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
    .limit(1);
  return row;
}

/** The connections to one provider of one kind this person may pick in a workspace, their own first, oldest first: the accounts a run can choose from. */
export async function listConnectionsFor(
  userId: string,
  providerId: string,
  authKind: ConnectionRow["authKind"],
  workspaceId = scopeWorkspaceId(),
): Promise<ConnectionSummary[]> {
  const rows = await db()
    .select()
    .from(connections)
    .where(and(usableBy(userId, workspaceId), eq(connections.providerId, providerId), eq(connections.authKind, authKind)))
    .orderBy(sql`${connections.workspaceId} is not null`, asc(connections.createdAt));
  return rows.map(toSummary);
}
