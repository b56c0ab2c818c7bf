import { describe, expect, it } from "vitest";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "@/lib/auth/login-throttle";
import { AccountExistsError, countUsers, createLocalUser, findUserForSignIn } from "@/lib/auth/users";

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
  it("blocks an address after repeated failures, doubling the wait, and clears on success", () => {
    const address = "203.0.113.9";
    const start = Date.UTC(2026, 0, 1);
    for (let failure = 1; failure < 5; failure++) {
      recordLoginFailure(address, start + failure);
      expect(checkLoginThrottle(address, start + failure)).toEqual({ allowed: true });
    }
    recordLoginFailure(address, start + 5);
    expect(checkLoginThrottle(address, start + 6)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(checkLoginThrottle(address, start + 5 + 30_000)).toEqual({ allowed: true });

    recordLoginFailure(address, start + 31_000);
    expect(checkLoginThrottle(address, start + 31_000)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(checkLoginThrottle("198.51.100.1", start + 31_000)).toEqual({ allowed: true });

    clearLoginFailures(address);
    expect(checkLoginThrottle(address, start + 31_000)).toEqual({ allowed: true });
  });
});
