import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, loginThrottle, oauthAuthorizationCodes, oauthClients } from "@/db/schema";
import { authenticateToken, createAccessToken, listAccessTokens } from "@/lib/auth/access-tokens";
import { stampClientAddress } from "@/lib/auth/client-address";
import { clientAddress, signInWithPassword } from "@/lib/auth/sign-in";
import { parseEnv, resetEnvCache } from "@/lib/platform/env";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "@/lib/auth/login-throttle";
import { verifyPassword } from "@/lib/auth/password";
import {
  AccountExistsError,
  changeOwnPassword,
  countUsers,
  createLocalUser,
  findSessionUser,
  findUserById,
  findUserForSignIn,
  listUsers,
  removeUser,
  setPassword,
  setRole,
  UserChangeError,
} from "@/lib/auth/users";

/** A person made by createLocalUser acts in the default workspace, which they joined. */
const inDefault = (userId: string) => ({ userId, workspaceId: DEFAULT_WORKSPACE_ID });

describe("local accounts", () => {
  it("creates exactly one first-run owner, even when two forms race", async () => {
    const attempts = await Promise.allSettled([
      createLocalUser({ name: "A", email: "a@example.com", password: "first password 123" }, "owner", true),
      createLocalUser({ name: "B", email: "b@example.com", password: "second password 123" }, "owner", true),
    ]);
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(1);
    const rejected = attempts.find((attempt) => attempt.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AccountExistsError);
    expect(await countUsers()).toBe(1);
  });

  it("refuses a second account with the same email and stores only a hash", async () => {
    await createLocalUser({ name: "M", email: "m@example.com", password: "member password 1" }, "member");
    await expect(createLocalUser({ name: "M2", email: "m@example.com", password: "member password 2" }, "member")).rejects.toThrow(
      "An account with this email already exists.",
    );
    expect((await findUserForSignIn("m@example.com"))?.passwordHash).toMatch(/^scrypt\$/);
  });
});

describe("sign-in throttling", () => {
  it("blocks an (address, email) pair after repeated failures, doubling the wait, and clears on success", async () => {
    const attempt = { address: "203.0.113.9", email: "victim@example.com" };
    const start = Date.UTC(2026, 0, 1);
    for (let failure = 1; failure < 5; failure++) {
      await recordLoginFailure(attempt, start + failure);
      expect(await checkLoginThrottle(attempt, start + failure)).toEqual({ allowed: true, delayMs: 0 });
    }
    await recordLoginFailure(attempt, start + 5);
    expect(await checkLoginThrottle(attempt, start + 6)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await checkLoginThrottle(attempt, start + 5 + 30_000)).toMatchObject({ allowed: true });

    await recordLoginFailure(attempt, start + 31_000);
    expect(await checkLoginThrottle(attempt, start + 31_000)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    // Another client may still try this email, only slowed down; this client may try other emails.
    expect(await checkLoginThrottle({ address: "198.51.100.1", email: attempt.email }, start + 31_000)).toEqual({ allowed: true, delayMs: 2000 });
    expect(await checkLoginThrottle({ address: attempt.address, email: "someone-else@example.com" }, start + 31_000)).toEqual({ allowed: true, delayMs: 0 });

    await clearLoginFailures(attempt);
    expect(await checkLoginThrottle(attempt, start + 31_000)).toEqual({ allowed: true, delayMs: 2000 });
  });

  it("blocks an address that sprays guesses over many emails, at the higher per-address limit", async () => {
    const address = "203.0.113.50";
    const start = Date.UTC(2026, 0, 2);
    for (let failure = 1; failure < 20; failure++) await recordLoginFailure({ address, email: `spray-${failure}@example.com` }, start + failure);
    expect(await checkLoginThrottle({ address, email: "fresh@example.com" }, start + 20)).toEqual({ allowed: true, delayMs: 0 });
    await recordLoginFailure({ address, email: "spray-20@example.com" }, start + 20);
    expect(await checkLoginThrottle({ address, email: "fresh@example.com" }, start + 21)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // Without a known address there is no shared per-address bucket, so nobody can lock everyone out.
    expect(await checkLoginThrottle({ address: undefined, email: "fresh@example.com" }, start + 21)).toEqual({ allowed: true, delayMs: 0 });
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4", async () => {
    const start = Date.UTC(2026, 0, 3);
    for (let failure = 1; failure <= 20; failure++) {
      await recordLoginFailure({ address: `2001:db8:1:2::${failure.toString(16)}`, email: `v6-${failure}@example.com` }, start + failure);
    }
    expect(await checkLoginThrottle({ address: "2001:db8:1:2:ffff::1", email: "fresh@example.com" }, start + 21)).toMatchObject({ allowed: false });
    expect(await checkLoginThrottle({ address: "2001:db8:1:3::1", email: "fresh@example.com" }, start + 21)).toMatchObject({ allowed: true });

    for (let failure = 1; failure <= 20; failure++)
      await recordLoginFailure({ address: "::ffff:192.0.2.7", email: `v4-${failure}@example.com` }, start + failure);
    expect(await checkLoginThrottle({ address: "192.0.2.7", email: "fresh@example.com" }, start + 21)).toMatchObject({ allowed: false });
  });

  it("slows an email that many addresses guess at with a growing delay, and never blocks it", async () => {
    const email = "owner-everywhere@example.com";
    const start = Date.UTC(2026, 0, 4);
    const delays: number[] = [];
    for (let failure = 1; failure <= 12; failure++) {
      await recordLoginFailure({ address: `198.51.100.${failure}`, email }, start + failure);
      const fromElsewhere = await checkLoginThrottle({ address: "192.0.2.200", email }, start + failure);
      expect(fromElsewhere.allowed).toBe(true);
      if (fromElsewhere.allowed) delays.push(fromElsewhere.delayMs);
    }
    expect(delays).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16000, 16000, 16000, 16000]);
    // The window passes and the email is fast again.
    expect(await checkLoginThrottle({ address: "192.0.2.200", email }, start + 16 * 60 * 1000)).toEqual({ allowed: true, delayMs: 0 });
  });
});

/**
 * Sign-in as server.ts serves it: a real HTTP server that stamps the socket address the way
 * server.ts does, then runs the credentials sign-in with the Request a route handler would see.
 * Clients connect from different loopback addresses (127.0.0.0/8) to play different machines.
 */
describe("sign-in with a password", () => {
  const password = "the right password 123";
  let counter = 0;
  let server: Server;
  let port: number;
  const waits: number[] = [];

  beforeAll(async () => {
    server = createServer((incoming, outgoing) => {
      stampClientAddress(incoming);
      let body = "";
      incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
      incoming.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
        const request = new Request(`http://localhost${incoming.url}`, { method: "POST", headers, body });
        void signInWithPassword(JSON.parse(body), request, async (ms) => waits.push(ms)).then((result) => {
          outgoing.setHeader("content-type", "application/json");
          outgoing.end(JSON.stringify(result));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function account(): Promise<string> {
    counter++;
    const email = `throttle-${counter}-${Date.now()}@example.com`;
    await createLocalUser({ name: "T", email, password }, "member");
    return email;
  }

  /** Signs in from a loopback address of our choosing, optionally sending headers that try to name another client. */
  function signInFrom(from: string, credentials: { email: string; password: string }, headers: Record<string, string> = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify(credentials);
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/api/auth/callback/credentials",
          method: "POST",
          localAddress: from,
          headers: { "content-type": "application/json", ...headers },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve(JSON.parse(text)));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }

  function request(forwardedFor?: string): Request {
    return new Request("http://localhost/api/auth/callback/credentials", {
      method: "POST",
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor, "x-real-ip": forwardedFor } : {},
    });
  }

  beforeEach(() => {
    waits.length = 0;
  });

  afterEach(() => {
    delete process.env.TRUST_PROXY;
    resetEnvCache();
  });

  it("reads X-Forwarded-For only with TRUST_PROXY=true", () => {
    expect(clientAddress(request("1.2.3.4, 203.0.113.7"), false)).toBeUndefined();
    expect(clientAddress(request("1.2.3.4, 203.0.113.7"), true)).toBe("203.0.113.7");
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
  });

  it("counts the socket address: a new X-Forwarded-For or a forged address header with every guess changes nothing", async () => {
    const email = await account();
    for (let guess = 1; guess <= 5; guess++) {
      const spoofed = { "x-forwarded-for": `198.51.100.${guess}`, "x-real-ip": `198.51.100.${guess}`, "x-patchbay-client-address": `198.51.100.${guess}` };
      expect(await signInFrom("127.0.0.2", { email, password: `wrong guess ${guess}` }, spoofed)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await signInFrom("127.0.0.2", { email, password }, { "x-patchbay-client-address": "198.51.100.99" })).toEqual({ ok: false, reason: "throttled" });
  });

  it("does not let six wrong passwords from one client lock the owner out elsewhere: the owner is only slowed", async () => {
    const email = await account();
    for (let guess = 1; guess <= 5; guess++) expect(await signInFrom("127.0.0.3", { email, password: "wrong" })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInFrom("127.0.0.3", { email, password: "wrong" })).toEqual({ ok: false, reason: "throttled" });
    expect(await signInFrom("127.0.0.3", { email, password })).toEqual({ ok: false, reason: "throttled" });
    waits.length = 0;
    expect(await signInFrom("127.0.0.4", { email, password })).toMatchObject({ ok: true });
    expect(waits).toEqual([1000]);
  });

  it("counts every one of 25 failures that arrive at once", async () => {
    const attempt = { address: "192.0.2.250", email: "at-once@example.com" };
    await Promise.all(Array.from({ length: 25 }, () => recordLoginFailure(attempt)));
    const counts = (await db().select({ failures: loginThrottle.failures }).from(loginThrottle)).map((row) => row.failures);
    expect(counts.filter((failures) => failures === 25)).toHaveLength(3);
  });

  it("throttles one client that sprays 30 failures over 30 emails", async () => {
    const results = [];
    for (let guess = 1; guess <= 30; guess++)
      results.push(await signInFrom("127.0.0.5", { email: `spray-${guess}-${Date.now()}@example.com`, password: "Winter2026!" }));
    expect(results.slice(0, 20)).toEqual(Array(20).fill({ ok: false, reason: "invalid" }));
    expect(results.slice(20)).toEqual(Array(10).fill({ ok: false, reason: "throttled" }));
    // Another client is not affected.
    expect(await signInFrom("127.0.0.6", { email: await account(), password })).toMatchObject({ ok: true });
  }, 120_000); // 20 password checks (scrypt) on a shared machine

  it("trusts X-Forwarded-For behind a proxy, per address", async () => {
    process.env.TRUST_PROXY = "true";
    resetEnvCache();
    const email = await account();
    for (let guess = 1; guess <= 5; guess++) await signInFrom("127.0.0.7", { email, password: "wrong" }, { "x-forwarded-for": "203.0.113.20" });
    expect(await signInFrom("127.0.0.7", { email, password }, { "x-forwarded-for": "203.0.113.20" })).toEqual({ ok: false, reason: "throttled" });
    expect(await signInFrom("127.0.0.7", { email, password }, { "x-forwarded-for": "203.0.113.21" })).toMatchObject({ ok: true });
  });

  it("does not reset other emails' failures when one account signs in from the same address", async () => {
    const mine = await account();
    const target = await account();
    for (let guess = 1; guess <= 4; guess++) await signInFrom("127.0.0.8", { email: target, password: "wrong" });
    expect(await signInFrom("127.0.0.8", { email: mine, password })).toMatchObject({ ok: true });
    expect(await signInFrom("127.0.0.8", { email: target, password: "wrong again" })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInFrom("127.0.0.8", { email: target, password })).toEqual({ ok: false, reason: "throttled" });
  });
});

describe("the owner managing people, and people their own password", () => {
  it("changes roles but never leaves the instance without an owner", async () => {
    const owner = await createLocalUser({ name: "O", email: "roles-owner@example.com", password: "owner password 123" }, "owner");
    const member = await createLocalUser({ name: "P", email: "roles-member@example.com", password: "member password 123" }, "member");
    const ownerCount = async () => (await listUsers()).filter((person) => person.role === "owner").length;
    while ((await ownerCount()) > 1) await setRole((await listUsers()).find((person) => person.role === "owner" && person.id !== owner.id)!.id, "member");
    await expect(setRole(owner.id, "member")).rejects.toThrow(UserChangeError);
    await setRole(member.id, "owner");
    expect((await findUserById(member.id))?.role).toBe("owner");
    await setRole(owner.id, "member");
    expect((await findUserById(owner.id))?.role).toBe("member");
    await setRole(owner.id, "owner");
  });

  // On PostgreSQL each call is a transaction on its own connection, truly side by side; the
  // "users" transaction lock (db/sql/transaction-lock.ts) makes the second see the first's change.
  it("keeps an owner when two owners are demoted at the same moment", async () => {
    const ownerCount = async () => (await listUsers()).filter((person) => person.role === "owner").length;
    const first = await createLocalUser({ name: "R1", email: "race-owner-1@example.com", password: "owner password 123" }, "owner");
    const second = await createLocalUser({ name: "R2", email: "race-owner-2@example.com", password: "owner password 123" }, "owner");
    const others = (await listUsers()).filter((person) => person.role === "owner" && person.id !== first.id && person.id !== second.id);
    for (const other of others) await setRole(other.id, "member");
    expect(await ownerCount()).toBe(2);
    const outcomes = await Promise.allSettled([setRole(first.id, "member"), setRole(second.id, "member")]);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toHaveLength(1);
    expect(await ownerCount()).toBe(1);
    for (const other of others) await setRole(other.id, "owner");
    await setRole(first.id, "owner");
    await setRole(second.id, "owner");
  });

  it("removes a person with their data, but not oneself", async () => {
    const owner = await createLocalUser({ name: "O2", email: "remove-owner@example.com", password: "owner password 123" }, "owner");
    const member = await createLocalUser({ name: "Q", email: "remove-member@example.com", password: "member password 123" }, "member");
    await expect(removeUser(owner.id, owner.id)).rejects.toThrow("You cannot remove yourself");
    await removeUser(owner.id, member.id);
    expect(await findUserById(member.id)).toBeUndefined();
    await expect(removeUser(owner.id, member.id)).rejects.toThrow("That person does not exist.");
  });

  it("resets a password, and lets a person change theirs only with the current one", async () => {
    const member = await createLocalUser({ name: "R", email: "password-member@example.com", password: "member password 123" }, "member");
    await setPassword(member.id, "reset by the owner 1");
    expect(await verifyPassword("reset by the owner 1", (await findUserForSignIn("password-member@example.com"))!.passwordHash!)).toBe(true);
    await expect(changeOwnPassword(member.id, "wrong current password", "my own new password")).rejects.toThrow("The current password is not right.");
    await changeOwnPassword(member.id, "reset by the owner 1", "my own new password");
    expect(await verifyPassword("my own new password", (await findUserForSignIn("password-member@example.com"))!.passwordHash!)).toBe(true);
  });

  it("ends every session signed in before a password change, and only those", async () => {
    const member = await createLocalUser({ name: "S", email: "sessions-member@example.com", password: "member password 123" }, "member");
    const signedInBefore = Date.now() - 1000;
    expect(await findSessionUser(member.id, signedInBefore)).toMatchObject({ id: member.id, email: "sessions-member@example.com" });
    expect(await findSessionUser(member.id, 0)).toMatchObject({ id: member.id });
    await setPassword(member.id, "reset by the owner 2");
    expect(await findSessionUser(member.id, signedInBefore)).toBeUndefined();
    expect(await findSessionUser(member.id, 0)).toBeUndefined();
    const signedInAfter = Date.now();
    expect(await findSessionUser(member.id, signedInAfter)).toEqual({
      id: member.id,
      name: "S",
      email: "sessions-member@example.com",
      role: "member",
      image: null,
    });
    await changeOwnPassword(member.id, "reset by the owner 2", "my own newer password");
    expect(await findSessionUser(member.id, signedInAfter - 1)).toBeUndefined();
    // Someone else's password change ends nobody else's session.
    const other = await createLocalUser({ name: "T", email: "sessions-other@example.com", password: "other password 123" }, "member");
    expect(await findSessionUser(other.id, signedInBefore)).toMatchObject({ id: other.id });
    expect(await findSessionUser("no-such-user", Date.now())).toBeUndefined();
  });
  it("revokes all the person's access tokens on a reset, personal and OAuth-issued, and their pending codes; on their own change only when asked", async () => {
    const member = await createLocalUser({ name: "U", email: "tokens-member@example.com", password: "member password 123" }, "member");
    const other = await createLocalUser({ name: "V", email: "tokens-other@example.com", password: "other password 123" }, "member");
    const clientId = `client-${member.id}`;
    await db()
      .insert(oauthClients)
      .values({ id: clientId, name: "Claude", redirectUris: ["https://claude.example/callback"] });
    const personal = await createAccessToken(inDefault(member.id), { name: "laptop", scope: "write" });
    const issued = await createAccessToken(inDefault(member.id), { name: "Claude", scope: "write", clientId });
    await db()
      .insert(oauthAuthorizationCodes)
      .values({
        codeHash: `code-${member.id}`,
        clientId,
        userId: member.id,
        redirectUri: "https://claude.example/callback",
        codeChallenge: "x".repeat(43),
        scope: "write",
        expiresAt: new Date(Date.now() + 300_000),
      });
    const othersToken = await createAccessToken(inDefault(other.id), { name: "theirs", scope: "write" });
    const roomy = { perToken: 100, perPerson: 1000 };
    const works = async (token: string) => (await authenticateToken(token, roomy)).ok;

    const revoked = await setPassword(member.id, "reset by the owner 3");
    expect(await authenticateToken(personal.token, roomy)).toEqual({ ok: false, reason: "revoked" });
    expect(await authenticateToken(issued.token, roomy)).toEqual({ ok: false, reason: "revoked" });
    expect(revoked).toBe(2);
    expect(await db().select().from(oauthAuthorizationCodes).where(eq(oauthAuthorizationCodes.userId, member.id))).toEqual([]);
    expect(await listAccessTokens(member.id)).toEqual([]);
    expect(await works(othersToken.token)).toBe(true);

    const kept = await createAccessToken(inDefault(member.id), { name: "kept", scope: "read" });
    expect(await changeOwnPassword(member.id, "reset by the owner 3", "my own password 3")).toBe(0);
    expect(await works(kept.token)).toBe(true);
    const revokedByChoice = await changeOwnPassword(member.id, "my own password 3", "my own password 4", { revokeTokens: true });
    expect(await authenticateToken(kept.token, roomy)).toEqual({ ok: false, reason: "revoked" });
    expect(revokedByChoice).toBe(1);
    expect(await works(othersToken.token)).toBe(true);
  });
});
