import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, signInWithPassword } from "@/lib/auth/sign-in";
import { parseEnv, resetEnvCache } from "@/lib/env";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "@/lib/auth/login-throttle";
import { verifyPassword } from "@/lib/auth/password";
import {
  AccountExistsError,
  changeOwnPassword,
  countUsers,
  createLocalUser,
  findUserById,
  findUserForSignIn,
  listUsers,
  removeUser,
  setPassword,
  setRole,
  UserChangeError,
} from "@/lib/auth/users";

describe("local accounts", () => {
  it("creates exactly one first-run owner, even when two forms race", async () => {
    const attempts = await Promise.allSettled([
      createLocalUser({ name: "A", email: "a@example.com", password: "first password 123" }, "owner", true),
      createLocalUser({ name: "B", email: "b@example.com", password: "second password 123" }, "owner", true),
    ]);
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(1);
    const rejected = attempts.find((attempt) => attempt.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AccountExistsError);
    expect(countUsers()).toBe(1);
  });

  it("refuses a second account with the same email and stores only a hash", async () => {
    await createLocalUser({ name: "M", email: "m@example.com", password: "member password 1" }, "member");
    await expect(createLocalUser({ name: "M2", email: "m@example.com", password: "member password 2" }, "member")).rejects.toThrow(
      "An account with this email already exists.",
    );
    expect(findUserForSignIn("m@example.com")?.passwordHash).toMatch(/^scrypt\$/);
  });
});

describe("sign-in throttling", () => {
  it("blocks an (address, email) pair after repeated failures, doubling the wait, and clears on success", () => {
    const attempt = { address: "203.0.113.9", email: "victim@example.com" };
    const start = Date.UTC(2026, 0, 1);
    for (let failure = 1; failure < 5; failure++) {
      recordLoginFailure(attempt, start + failure);
      expect(checkLoginThrottle(attempt, start + failure)).toEqual({ allowed: true });
    }
    recordLoginFailure(attempt, start + 5);
    expect(checkLoginThrottle(attempt, start + 6)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(checkLoginThrottle(attempt, start + 5 + 30_000)).toEqual({ allowed: true });

    recordLoginFailure(attempt, start + 31_000);
    expect(checkLoginThrottle(attempt, start + 31_000)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(checkLoginThrottle({ address: "198.51.100.1", email: attempt.email }, start + 31_000)).toEqual({ allowed: true });
    expect(checkLoginThrottle({ address: attempt.address, email: "someone-else@example.com" }, start + 31_000)).toEqual({ allowed: true });

    clearLoginFailures(attempt);
    expect(checkLoginThrottle(attempt, start + 31_000)).toEqual({ allowed: true });
  });

  it("blocks an address that sprays guesses over many emails, at the higher per-address limit", () => {
    const address = "203.0.113.50";
    const start = Date.UTC(2026, 0, 2);
    for (let failure = 1; failure < 20; failure++) recordLoginFailure({ address, email: `spray-${failure}@example.com` }, start + failure);
    expect(checkLoginThrottle({ address, email: "fresh@example.com" }, start + 20)).toEqual({ allowed: true });
    recordLoginFailure({ address, email: "spray-20@example.com" }, start + 20);
    expect(checkLoginThrottle({ address, email: "fresh@example.com" }, start + 21)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // Without a known address there is no shared per-address bucket, so nobody can lock everyone out.
    expect(checkLoginThrottle({ address: undefined, email: "fresh@example.com" }, start + 21)).toEqual({ allowed: true });
  });
});

describe("sign-in with a password", () => {
  const password = "the right password 123";
  let counter = 0;

  async function account(): Promise<string> {
    counter++;
    const email = `throttle-${counter}-${Date.now()}@example.com`;
    await createLocalUser({ name: "T", email, password }, "member");
    return email;
  }

  function request(forwardedFor?: string): Request {
    return new Request("http://localhost/api/auth/callback/credentials", {
      method: "POST",
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor, "x-real-ip": forwardedFor } : {},
    });
  }

  afterEach(() => {
    delete process.env.TRUST_PROXY;
    resetEnvCache();
  });

  it("reads X-Forwarded-For only with TRUST_PROXY=true", () => {
    expect(clientAddress(request("1.2.3.4, 203.0.113.7"), false)).toBeUndefined();
    expect(clientAddress(request("1.2.3.4, 203.0.113.7"), true)).toBe("203.0.113.7");
    expect(clientAddress(request(), true)).toBeUndefined();
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
  });

  it("cannot be bypassed by sending a new X-Forwarded-For with every guess", async () => {
    const email = await account();
    for (let guess = 1; guess <= 5; guess++) {
      expect(await signInWithPassword({ email, password: `wrong guess ${guess}` }, request(`198.51.100.${guess}`))).toEqual({ ok: false, reason: "invalid" });
    }
    const blocked = await signInWithPassword({ email, password }, request("198.51.100.99"));
    expect(blocked).toEqual({ ok: false, reason: "throttled" });
  });

  it("trusts X-Forwarded-For behind a proxy, per address", async () => {
    process.env.TRUST_PROXY = "true";
    resetEnvCache();
    const email = await account();
    for (let guess = 1; guess <= 5; guess++) await signInWithPassword({ email, password: "wrong" }, request("203.0.113.20"));
    expect(await signInWithPassword({ email, password }, request("203.0.113.20"))).toEqual({ ok: false, reason: "throttled" });
    expect(await signInWithPassword({ email, password }, request("203.0.113.21"))).toMatchObject({ ok: true });
  });

  it("does not reset other emails' failures when one account signs in from the same address", async () => {
    process.env.TRUST_PROXY = "true";
    resetEnvCache();
    const mine = await account();
    const target = await account();
    const address = "203.0.113.30";
    for (let guess = 1; guess <= 4; guess++) await signInWithPassword({ email: target, password: "wrong" }, request(address));
    expect(await signInWithPassword({ email: mine, password }, request(address))).toMatchObject({ ok: true });
    expect(await signInWithPassword({ email: target, password: "wrong again" }, request(address))).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword({ email: target, password }, request(address))).toEqual({ ok: false, reason: "throttled" });
  });
});

describe("the owner managing people, and people their own password", () => {
  it("changes roles but never leaves the instance without an owner", async () => {
    const owner = await createLocalUser({ name: "O", email: "roles-owner@example.com", password: "owner password 123" }, "owner");
    const member = await createLocalUser({ name: "P", email: "roles-member@example.com", password: "member password 123" }, "member");
    const ownerCount = () => listUsers().filter((person) => person.role === "owner").length;
    while (ownerCount() > 1) setRole(listUsers().find((person) => person.role === "owner" && person.id !== owner.id)!.id, "member");
    expect(() => setRole(owner.id, "member")).toThrow(UserChangeError);
    setRole(member.id, "owner");
    expect(findUserById(member.id)?.role).toBe("owner");
    setRole(owner.id, "member");
    expect(findUserById(owner.id)?.role).toBe("member");
    setRole(owner.id, "owner");
  });

  it("removes a person with their data, but not oneself", async () => {
    const owner = await createLocalUser({ name: "O2", email: "remove-owner@example.com", password: "owner password 123" }, "owner");
    const member = await createLocalUser({ name: "Q", email: "remove-member@example.com", password: "member password 123" }, "member");
    expect(() => removeUser(owner.id, owner.id)).toThrow("You cannot remove yourself");
    removeUser(owner.id, member.id);
    expect(findUserById(member.id)).toBeUndefined();
    expect(() => removeUser(owner.id, member.id)).toThrow("That person does not exist.");
  });

  it("resets a password, and lets a person change theirs only with the current one", async () => {
    const member = await createLocalUser({ name: "R", email: "password-member@example.com", password: "member password 123" }, "member");
    await setPassword(member.id, "reset by the owner 1");
    expect(await verifyPassword("reset by the owner 1", findUserForSignIn("password-member@example.com")!.passwordHash!)).toBe(true);
    await expect(changeOwnPassword(member.id, "wrong current password", "my own new password")).rejects.toThrow("The current password is not right.");
    await changeOwnPassword(member.id, "reset by the owner 1", "my own new password");
    expect(await verifyPassword("my own new password", findUserForSignIn("password-member@example.com")!.passwordHash!)).toBe(true);
  });
});
