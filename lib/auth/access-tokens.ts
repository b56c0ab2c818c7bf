import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db, type Db } from "@/db/client";
import { accessTokens, accessTokenScopes, memberships, oauthAuthorizationCodes, oauthClients, type AccessTokenScope } from "@/db/schema";
import type { Actor } from "@/lib/platform";
import { atLeast, type WorkspaceRole } from "./workspaces";

/** Secret scanners (GitHub's among them) recognise Patchbay tokens by this prefix. */
export const TOKEN_PREFIX = "pbat_";
const TOKEN_PATTERN = /^pbat_[A-Za-z0-9_-]{43}$/;

/**
 * A token carries 256 random bits, so a plain SHA-256 is enough to store it: there is nothing to
 * guess that a slow hash would protect.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export const newTokenSchema = z.object({
  name: z.string().trim().min(1, { message: "Give the token a name." }).max(100, { message: "At most 100 characters." }),
  scope: z.enum(accessTokenScopes, { message: "Choose read or write." }),
  expiresInDays: z.coerce.number().int().min(1).max(366).optional(),
});
export type NewToken = z.infer<typeof newTokenSchema>;

export type AccessTokenSummary = {
  id: string;
  name: string;
  scope: AccessTokenScope;
  clientName: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
};

/** Makes a token for a person in a workspace (it acts there with their role) and answers it once; only its hash is stored. */
export async function createAccessToken(
  { userId, workspaceId }: Actor,
  request: { name: string; scope: AccessTokenScope; expiresAt?: Date; clientId?: string },
): Promise<{ id: string; token: string }> {
  const token = newToken();
  const [row] = await db()
    .insert(accessTokens)
    .values({
      userId,
      workspaceId,
      name: request.name,
      scope: request.scope,
      expiresAt: request.expiresAt,
      clientId: request.clientId,
      tokenHash: hashToken(token),
    })
    .returning({ id: accessTokens.id });
  return { id: row!.id, token };
}

/** The user's tokens that still work or may still be shown: revoked ones are gone from the list. */
export async function listAccessTokens(userId: string): Promise<AccessTokenSummary[]> {
  return db()
    .select({
      id: accessTokens.id,
      name: accessTokens.name,
      scope: accessTokens.scope,
      clientName: oauthClients.name,
      createdAt: accessTokens.createdAt,
      lastUsedAt: accessTokens.lastUsedAt,
      expiresAt: accessTokens.expiresAt,
    })
    .from(accessTokens)
    .leftJoin(oauthClients, eq(oauthClients.id, accessTokens.clientId))
    .where(and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
    .orderBy(desc(accessTokens.createdAt));
}

/** Revokes one of the user's tokens; answers false when the user has no such live token. */
export async function revokeAccessToken(userId: string, tokenId: string, now = new Date()): Promise<boolean> {
  const result = await db()
    .update(accessTokens)
    .set({ revokedAt: now })
    .where(and(eq(accessTokens.id, tokenId), eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)));
  return affectedRows(result) > 0;
}

/**
 * Revokes every live token of the user, made by hand or issued to an OAuth client, and deletes
 * their authorization codes not yet exchanged (each would become a token). Runs in the caller's
 * transaction when given one; answers how many tokens were revoked.
 */
export async function revokeAllAccessTokens(userId: string, executor: Pick<Db, "update" | "delete"> = db(), now = new Date()): Promise<number> {
  const result = await executor
    .update(accessTokens)
    .set({ revokedAt: now })
    .where(and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)));
  await executor.delete(oauthAuthorizationCodes).where(eq(oauthAuthorizationCodes.userId, userId));
  return affectedRows(result);
}

/** Who a token acts as, where, and what it may do: a viewer's token reads only, whatever scope it was made with. */
export type TokenIdentity = { tokenId: string; tokenName: string; userId: string; workspaceId: string; role: WorkspaceRole; scope: AccessTokenScope };

export type TokenCheck =
  | { ok: true; identity: TokenIdentity }
  | { ok: false; reason: "invalid" | "revoked" | "expired" }
  | { ok: false; reason: "rate_limited"; limited: "token" | "person"; retryAfterSeconds: number };

/** Requests per clock minute: for one token, and for one person with all their tokens together. */
export type RateLimits = { perToken: number; perPerson: number };

const RATE_WINDOW_MS = 60_000;

/**
 * Checks a presented token and counts the request against the per-minute limits. The window and
 * its count live on the token's row, so every process sees the same count; the person's count is
 * the sum over their tokens in the same window (a token made mid-minute starts its own count at
 * one, so making more tokens buys no more requests).
 */
export async function authenticateToken(token: string, limits: RateLimits, now = Date.now()): Promise<TokenCheck> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: "invalid" };
  const [row] = await db()
    .select({
      id: accessTokens.id,
      userId: accessTokens.userId,
      workspaceId: accessTokens.workspaceId,
      role: memberships.role,
      name: accessTokens.name,
      scope: accessTokens.scope,
      expiresAt: accessTokens.expiresAt,
      revokedAt: accessTokens.revokedAt,
    })
    .from(accessTokens)
    // The person's role now, not when the token was made: someone taken out of the workspace has a token that no longer works.
    .leftJoin(memberships, and(eq(memberships.workspaceId, accessTokens.workspaceId), eq(memberships.userId, accessTokens.userId)))
    .where(eq(accessTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return { ok: false, reason: "invalid" };
  if (!row.role) return { ok: false, reason: "revoked" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= now) return { ok: false, reason: "expired" };
  const windowStart = now - (now % RATE_WINDOW_MS);
  const retryAfterSeconds = Math.ceil((windowStart + RATE_WINDOW_MS - now) / 1000);
  const [counted] = await db()
    .update(accessTokens)
    .set({
      lastUsedAt: new Date(now),
      rateWindowCount: sql`case when ${accessTokens.rateWindowStart} = ${windowStart} then ${accessTokens.rateWindowCount} + 1 else 1 end`,
      rateWindowStart: windowStart,
    })
    .where(eq(accessTokens.id, row.id))
    .returning({ count: accessTokens.rateWindowCount });
  if (counted && counted.count > limits.perToken) return { ok: false, reason: "rate_limited", limited: "token", retryAfterSeconds };
  const [person] = await db()
    .select({ count: sql<number>`coalesce(sum(${accessTokens.rateWindowCount}), 0)`.mapWith(Number) })
    .from(accessTokens)
    .where(and(eq(accessTokens.userId, row.userId), eq(accessTokens.rateWindowStart, windowStart)));
  if (person && person.count > limits.perPerson) return { ok: false, reason: "rate_limited", limited: "person", retryAfterSeconds };
  const scope = atLeast(row.role, "member") ? row.scope : "read";
  return { ok: true, identity: { tokenId: row.id, tokenName: row.name, userId: row.userId, workspaceId: row.workspaceId, role: row.role, scope } };
}
