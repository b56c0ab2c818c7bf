import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { accessTokens, users } from "@/db/schema";
import { authenticateToken, createAccessToken, listAccessTokens, revokeAccessToken } from "@/lib/auth/access-tokens";
import { isPublicPath } from "@/lib/auth/public-paths";
import { createUser } from "../support/helpers";

/** Limits no test here reaches unless it means to. */
const roomy = { perToken: 100, perPerson: 1000 };

describe("access tokens", () => {
  it("are pbat_ tokens stored only as their SHA-256, listed with their dates, for their owner only", async () => {
    const owner = await createUser("tokens-owner");
    const other = await createUser("tokens-other");
    const expiresAt = new Date(Date.now() + 86_400_000);
    const { id, token } = await createAccessToken(owner, { name: "CI", scope: "read", expiresAt });
    expect(token).toMatch(/^pbat_[A-Za-z0-9_-]{43}$/);
    const [row] = await db().select().from(accessTokens).where(eq(accessTokens.id, id)).limit(1);
    expect(row!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token.slice(5));
    expect(await listAccessTokens(owner.id)).toEqual([
      { id, name: "CI", scope: "read", clientName: null, createdAt: expect.any(Date), lastUsedAt: null, expiresAt },
    ]);
    expect(await listAccessTokens(other.id)).toEqual([]);
  });

  it("can be revoked only by their owner, and then no longer authenticate", async () => {
    const owner = await createUser("revoke-owner");
    const other = await createUser("revoke-other");
    const { id, token } = await createAccessToken(owner, { name: "laptop", scope: "write" });
    expect(await authenticateToken(token, roomy)).toMatchObject({ ok: true, identity: { tokenId: id, userId: owner.id, scope: "write", tokenName: "laptop" } });
    expect(await revokeAccessToken(other.id, id)).toBe(false);
    expect((await authenticateToken(token, roomy)).ok).toBe(true);
    expect(await revokeAccessToken(owner.id, id)).toBe(true);
    expect(await revokeAccessToken(owner.id, id)).toBe(false);
    expect(await authenticateToken(token, roomy)).toEqual({ ok: false, reason: "revoked" });
    expect(await listAccessTokens(owner.id)).toEqual([]);
  });

  it("refuses malformed, unknown and expired tokens, and counts requests per token per minute", async () => {
    const owner = await createUser("limits");
    expect(await authenticateToken("ghp_notours", roomy)).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateToken(`pbat_${"A".repeat(43)}`, roomy)).toEqual({ ok: false, reason: "invalid" });
    const now = Date.UTC(2026, 11, 1, 12, 0, 10);
    const expired = await createAccessToken(owner, { name: "old", scope: "read", expiresAt: new Date(now - 1) });
    expect(await authenticateToken(expired.token, roomy, now)).toEqual({ ok: false, reason: "expired" });
    const { token } = await createAccessToken(owner, { name: "busy", scope: "read" });
    const outcomes: boolean[] = [];
    for (let request = 0; request < 3; request++) outcomes.push((await authenticateToken(token, { perToken: 2, perPerson: 100 }, now)).ok);
    expect(outcomes).toEqual([true, true, false]);
    expect(await authenticateToken(token, { perToken: 2, perPerson: 100 }, now)).toEqual({
      ok: false,
      reason: "rate_limited",
      limited: "token",
      retryAfterSeconds: 50,
    });
    expect((await authenticateToken(token, { perToken: 2, perPerson: 100 }, now + 60_000)).ok).toBe(true);
  });

  it("count a person's requests over all their tokens: more tokens buy no more requests", async () => {
    const owner = await createUser("person-limit");
    const other = await createUser("person-limit-other");
    const now = Date.UTC(2026, 11, 1, 12, 0, 15);
    const limits = { perToken: 3, perPerson: 4 };
    const first = await createAccessToken(owner, { name: "first", scope: "read" });
    const second = await createAccessToken(owner, { name: "second", scope: "read" });
    const outcomes: boolean[] = [];
    for (const { token } of [first, first, first, second]) outcomes.push((await authenticateToken(token, limits, now)).ok);
    expect(outcomes).toEqual([true, true, true, true]);
    expect(await authenticateToken(second.token, limits, now)).toEqual({ ok: false, reason: "rate_limited", limited: "person", retryAfterSeconds: 45 });
    const third = await createAccessToken(owner, { name: "third", scope: "read" });
    expect(await authenticateToken(third.token, limits, now)).toMatchObject({ ok: false, limited: "person" });
    const theirs = await createAccessToken(other, { name: "theirs", scope: "read" });
    expect((await authenticateToken(theirs.token, limits, now)).ok).toBe(true);
    // A new minute starts every count afresh.
    expect((await authenticateToken(third.token, limits, now + 60_000)).ok).toBe(true);
  });

  it("die with their user", async () => {
    const owner = await createUser("leaving");
    await createAccessToken(owner, { name: "one", scope: "read" });
    await createAccessToken(owner, { name: "two", scope: "write" });
    await db().delete(users).where(eq(users.id, owner.id));
    expect(await db().select().from(accessTokens).where(eq(accessTokens.userId, owner.id))).toEqual([]);
  });

  it("leave the session guard to the MCP and OAuth endpoints themselves, but not the consent page", () => {
    for (const path of [
      "/api/mcp",
      "/api/oauth/token",
      "/api/oauth/register",
      "/oauth/authorize",
      "/.well-known/oauth-authorization-server",
      "/.well-known/oauth-protected-resource/api/mcp",
    ]) {
      expect(isPublicPath(path), path).toBe(true);
    }
    for (const path of ["/oauth/authorize/consent", "/oauth/authorize/", "/settings/tokens", "/api/mcp/x", "/.well-known/other"])
      expect(isPublicPath(path), path).toBe(false);
  });
});
