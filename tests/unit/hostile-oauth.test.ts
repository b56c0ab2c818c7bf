import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeGitHub } from "@/e2e/fakes/github";

/**
 * The hostile-input suite for the OAuth routes, driven through the route handlers as a browser
 * would reach them. Refusals that a person can cause by clicking (bad, reused, expired, foreign
 * state; provider errors) answer a 302 back to the Connections page with one precise error code,
 * never to another origin; requests without a session answer 401, unknown providers 404. After
 * each case a normal "Connect GitHub" still completes.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const authorizeRoute = await import("@/app/api/connections/[provider]/authorize/route");
const callbackRoute = await import("@/app/api/connections/[provider]/callback/route");
const { db } = await import("@/db/client");
const { connections, oauthStates } = await import("@/db/schema");
const { createUser, decide, startGitHubFake } = await import("../support/helpers");

const APP = "http://localhost:3000";
let fake: FakeGitHub;
let owner: { id: string };
let other: { id: string };

function as(user: { id: string } | null) {
  session.current = user && { user: { id: user.id } };
}

function authorize(provider: string, returnTo?: string): Promise<Response> {
  const url = new URL(`${APP}/api/connections/${encodeURIComponent(provider)}/authorize`);
  if (returnTo !== undefined) url.searchParams.set("returnTo", returnTo);
  return authorizeRoute.GET(new Request(url), { params: Promise.resolve({ provider }) });
}

function callback(provider: string, url: URL | string): Promise<Response> {
  return callbackRoute.GET(new Request(url), { params: Promise.resolve({ provider }) });
}

function location(response: Response): URL {
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** Authorize as the current session user, approve on the fake's consent page, return the callback URL. */
async function approvedCallback(returnTo?: string, decision: "approve" | "deny" = "approve"): Promise<URL> {
  const consent = location(await authorize("github", returnTo));
  expect(consent.origin).toBe(fake.url);
  return decide(consent, decision);
}

async function expectFailure(response: Response, failure: string, path = "/connections"): Promise<URL> {
  const target = location(response);
  expect(target.origin).toBe(APP);
  expect(target.pathname).toBe(path);
  expect(target.searchParams.get("error")).toBe(failure);
  expect(target.searchParams.get("provider")).toBe("github");
  return target;
}

async function connectionCount(userId: string): Promise<number> {
  return (await db().select().from(connections).where(eq(connections.userId, userId))).length;
}

/** A normal connect still works: the routes keep answering after whatever came before. */
async function expectStillConnecting(): Promise<void> {
  as(owner);
  const target = location(await callback("github", await approvedCallback()));
  expect(target.origin + target.pathname).toBe(`${APP}/connections`);
  expect(target.searchParams.get("connected")).toBeTruthy();
}

beforeAll(async () => {
  fake = await startGitHubFake();
  owner = await createUser("hostile-owner");
  other = await createUser("hostile-other");
});
afterAll(() => fake.close());
beforeEach(() => as(owner));

describe("no session, unknown providers", () => {
  it("authorize without a session -> 401 unauthenticated", async () => {
    as(null);
    const response = await authorize("github");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthenticated" } });
    await expectStillConnecting();
  });

  it("callback without a session -> 401, and the state is not consumed", async () => {
    const url = await approvedCallback();
    as(null);
    expect((await callback("github", url)).status).toBe(401);
    as(owner);
    expect(location(await callback("github", url)).searchParams.get("connected")).toBeTruthy();
  });

  it.each([
    ["authorize", "nope"],
    ["authorize", "stripe"], // an API-key provider has no OAuth
    ["authorize", "../github"],
    ["callback", "nope"],
    ["callback", "openweather"],
  ])("%s for provider %j -> 404 unknown_provider", async (route, provider) => {
    const response = route === "authorize" ? await authorize(provider) : await callback(provider, `${APP}/api/connections/x/callback?code=a&state=b`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "unknown_provider" } });
    await expectStillConnecting();
  });

  it("authorize for a provider that is not configured -> 302 back with not_configured", async () => {
    const target = location(await authorize("slack"));
    expect(target.origin + target.pathname).toBe(`${APP}/connections`);
    expect(target.searchParams.get("error")).toBe("not_configured");
  });
});

describe("state", () => {
  it("missing state -> missing_state", async () => {
    const url = await approvedCallback();
    url.searchParams.delete("state");
    await expectFailure(await callback("github", url), "missing_state");
    await expectStillConnecting();
  });

  it("empty state -> missing_state", async () => {
    const url = await approvedCallback();
    url.searchParams.set("state", "");
    await expectFailure(await callback("github", url), "missing_state");
  });

  it.each([
    ["forged", "forged-state-value-forged-state-value"],
    ["over-long (64 KB)", "s".repeat(65_536)],
    ["non-ASCII and control characters", "état\u0000\u202e\ud83d\ude00"],
    ["SQL-looking", "' or 1=1 --"],
    ["the state's hash instead of the state", "HASH"],
  ])("malformed state (%s) -> invalid_state", async (_label, value) => {
    const url = await approvedCallback();
    const state = url.searchParams.get("state")!;
    url.searchParams.set("state", value === "HASH" ? createHash("sha256").update(state).digest("hex") : value);
    await expectFailure(await callback("github", url), "invalid_state");
    // The real state was not touched by the forgery: it still completes.
    url.searchParams.set("state", state);
    expect(location(await callback("github", url)).searchParams.get("connected")).toBeTruthy();
  });

  it("a state parameter given twice -> refused (token_error: oauth4webapi rejects duplicate parameters), state consumed", async () => {
    const url = await approvedCallback();
    const state = url.searchParams.get("state")!;
    url.searchParams.append("state", "second-value");
    const target = await expectFailure(await callback("github", url), "token_error");
    expect(target.searchParams.get("connected")).toBeNull();
    url.searchParams.set("state", state);
    await expectFailure(await callback("github", url), "invalid_state");
  });

  it("reused state (a replayed callback) -> invalid_state, nothing saved twice", async () => {
    const url = await approvedCallback();
    expect(location(await callback("github", url)).searchParams.get("connected")).toBeTruthy();
    const before = await connectionCount(owner.id);
    await expectFailure(await callback("github", url), "invalid_state");
    expect(await connectionCount(owner.id)).toBe(before);
  });

  it("expired state -> expired_state, back to the path it started from", async () => {
    const url = await approvedCallback("/tools?from=expired");
    const stateHash = createHash("sha256").update(url.searchParams.get("state")!).digest("hex");
    await db()
      .update(oauthStates)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthStates.stateHash, stateHash));
    const target = await expectFailure(await callback("github", url), "expired_state", "/tools");
    expect(target.searchParams.get("from")).toBe("expired");
    await expectStillConnecting();
  });

  it("foreign state (started by another user) -> invalid_state, and its owner can still finish", async () => {
    as(other);
    const url = await approvedCallback();
    as(owner);
    const before = await connectionCount(owner.id);
    await expectFailure(await callback("github", url), "invalid_state");
    expect(await connectionCount(owner.id)).toBe(before);
    as(other);
    expect(location(await callback("github", url)).searchParams.get("connected")).toBeTruthy();
    expect(await connectionCount(other.id)).toBe(1);
  });

  it("a GitHub state presented at another provider's callback -> invalid_state (and consumed)", async () => {
    process.env.LINEAR_CLIENT_ID = "linear-id";
    process.env.LINEAR_CLIENT_SECRET = "linear-secret";
    try {
      const url = await approvedCallback();
      const target = location(await callback("linear", url));
      expect(target.origin).toBe(APP);
      expect(target.searchParams.get("error")).toBe("invalid_state");
      await expectFailure(await callback("github", url), "invalid_state");
    } finally {
      delete process.env.LINEAR_CLIENT_ID;
      delete process.env.LINEAR_CLIENT_SECRET;
    }
  });
});

describe("provider errors and codes", () => {
  it("error=access_denied -> access_denied", async () => {
    await expectFailure(await callback("github", await approvedCallback(undefined, "deny")), "access_denied");
    await expectStillConnecting();
  });

  it("another error -> provider_error with the provider's code as detail", async () => {
    const url = await approvedCallback(undefined, "deny");
    url.searchParams.set("error", "temporarily_unavailable");
    const target = await expectFailure(await callback("github", url), "provider_error");
    expect(target.searchParams.get("detail")).toBe("temporarily_unavailable");
  });

  it("an error parameter carrying markup or a URL -> provider_error, not echoed as detail", async () => {
    const url = await approvedCallback(undefined, "deny");
    url.searchParams.set("error", '<script>alert(1)</script>https://evil.com/"');
    url.searchParams.set("error_description", "x".repeat(10_000));
    const target = await expectFailure(await callback("github", url), "provider_error");
    expect(target.searchParams.get("detail")).toBeNull();
    expect(target.toString()).not.toContain("evil.com");
  });

  it("an error parameter with a valid code in the same query -> still refused (provider_error)", async () => {
    // A user with no connection yet, so a wrongly accepted code would show as a new row.
    const fresh = await createUser("hostile-fresh");
    as(fresh);
    const url = await approvedCallback();
    url.searchParams.set("error", "server_error");
    await expectFailure(await callback("github", url), "provider_error");
    expect(await connectionCount(fresh.id)).toBe(0);
  });

  it("no code -> missing_code", async () => {
    const url = await approvedCallback();
    url.searchParams.delete("code");
    await expectFailure(await callback("github", url), "missing_code");
  });

  it("a code the token endpoint refuses -> token_error with its code", async () => {
    const url = await approvedCallback();
    url.searchParams.set("code", "0000000000");
    const target = await expectFailure(await callback("github", url), "token_error");
    expect(target.searchParams.get("detail")).toBe("bad_verification_code");
    await expectStillConnecting();
  });
});

describe("open-redirect return paths", () => {
  const hostile = [
    "//evil.com",
    "https://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "/%2F%2Fevil.com",
    "\t//evil.com",
    " //evil.com",
    "/\t/evil.com",
    "http:evil.com",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.com",
    "//evil.com@localhost:3000",
    // Valid-looking paths that normalise to "//evil.com".
    "/.//evil.com",
    "/..//evil.com",
    "/%2e//evil.com",
    "/a/..//evil.com",
  ];

  it.each(hostile)("returnTo %j: a successful connect lands on APP_URL, never elsewhere", async (returnTo) => {
    const target = location(await callback("github", await approvedCallback(returnTo)));
    expect(target.origin).toBe(APP);
    expect(target.hostname).not.toContain("evil");
    expect(target.pathname.startsWith("//")).toBe(false);
    expect(target.searchParams.get("connected")).toBeTruthy();
  });

  it.each(hostile.slice(0, 5))("returnTo %j: a refused connect lands on APP_URL /connections", async (returnTo) => {
    const target = await expectFailure(await callback("github", await approvedCallback(returnTo, "deny")), "access_denied");
    expect(target.origin).toBe(APP);
  });

  it("a same-origin relative path is kept", async () => {
    const target = location(await callback("github", await approvedCallback("/workflows?tab=runs")));
    expect(target.origin + target.pathname).toBe(`${APP}/workflows`);
    expect(target.searchParams.get("tab")).toBe("runs");
  });
});
