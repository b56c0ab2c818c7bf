import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeGitHub } from "@/e2e/fakes/github";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const authorize = await import("@/app/api/connections/[provider]/authorize/route");
const callback = await import("@/app/api/connections/[provider]/callback/route");
const { listConnections } = await import("@/lib/connections/store");
const { createUser, decide, startGitHubFake } = await import("../support/helpers");

let fake: FakeGitHub;
let userId: string;

beforeAll(async () => {
  fake = await startGitHubFake();
});
afterAll(() => fake.close());
beforeEach(async () => {
  userId = (await createUser()).id;
  session.current = { user: { id: userId } };
});

const context = (provider: string) => ({ params: Promise.resolve({ provider }) });

function location(response: Response): URL {
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

async function startConnect(provider = "github"): Promise<URL> {
  return location(await authorize.GET(new Request(`http://localhost:3000/api/connections/${provider}/authorize`), context(provider)));
}

describe("GET /api/connections/[provider]/authorize", () => {
  it("redirects to the provider with client_id, the exact redirect_uri, scope, state and an S256 challenge", async () => {
    const target = await startConnect();
    expect(target.origin + target.pathname).toBe(`${fake.url}/login/oauth/authorize`);
    expect(target.searchParams.get("client_id")).toBe(fake.clientId);
    expect(target.searchParams.get("redirect_uri")).toBe("http://localhost:3000/api/connections/github/callback");
    expect(target.searchParams.get("response_type")).toBe("code");
    expect(target.searchParams.get("scope")).toBe("repo read:user admin:repo_hook");
    expect(target.searchParams.get("state")).toMatch(/^[\w-]{32,}$/);
    expect(target.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(target.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("answers 404 JSON for an unknown provider", async () => {
    const response = await authorize.GET(new Request("http://localhost:3000/api/connections/nope/authorize"), context("nope"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "unknown_provider", message: 'There is no OAuth provider "nope".' } });
  });

  it("sends an unconfigured provider back to /connections with the error banner", async () => {
    const target = await startConnect("slack");
    expect(target.pathname).toBe("/connections");
    expect(Object.fromEntries(target.searchParams)).toEqual({ error: "not_configured", provider: "slack" });
  });

  it("answers 401 without a session", async () => {
    session.current = null;
    const response = await authorize.GET(new Request("http://localhost:3000/api/connections/github/authorize"), context("github"));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in first." } });
  });
});

describe("GET /api/connections/[provider]/callback", () => {
  async function finish(callbackUrl: URL, provider = "github"): Promise<Response> {
    return callback.GET(new Request(callbackUrl), context(provider));
  }

  it("saves the connection and redirects to /connections?connected=<id>", async () => {
    const target = location(await finish(await decide(await startConnect(), "approve")));
    const [connection] = await listConnections(userId);
    expect(target.toString()).toBe(`http://localhost:3000/connections?connected=${connection!.id}`);
  });

  it("answers 401 without a session and stores nothing", async () => {
    const callbackUrl = await decide(await startConnect(), "approve");
    session.current = null;
    const response = await finish(callbackUrl);
    expect(response.status).toBe(401);
    expect(await listConnections(userId)).toEqual([]);
  });

  it("puts error and provider on the redirect when the person declines", async () => {
    const target = location(await finish(await decide(await startConnect(), "deny")));
    expect(target.pathname).toBe("/connections");
    expect(Object.fromEntries(target.searchParams)).toEqual({ error: "access_denied", provider: "github" });
  });

  it("adds the provider's error code as detail when the token endpoint refuses", async () => {
    const callbackUrl = await decide(await startConnect(), "approve");
    callbackUrl.searchParams.set("code", "0000000000");
    const target = location(await finish(callbackUrl));
    expect(Object.fromEntries(target.searchParams)).toEqual({ error: "token_error", provider: "github", detail: "bad_verification_code" });
  });

  it("rejects a tampered state with the banner", async () => {
    const callbackUrl = await decide(await startConnect(), "approve");
    callbackUrl.searchParams.set("state", "tampered-tampered-tampered-tampered");
    const target = location(await finish(callbackUrl));
    expect(Object.fromEntries(target.searchParams)).toEqual({ error: "invalid_state", provider: "github" });
  });

  it("answers 404 for an unknown provider", async () => {
    const response = await finish(new URL("http://localhost:3000/api/connections/nope/callback?code=x&state=y"), "nope");
    expect(response.status).toBe(404);
  });

  it("turns credentials removed between authorize and callback into the banner, not a 500", async () => {
    const callbackUrl = await decide(await startConnect(), "approve");
    delete process.env.GITHUB_CLIENT_SECRET;
    try {
      const target = location(await finish(callbackUrl));
      expect(target.pathname).toBe("/connections");
      expect(Object.fromEntries(target.searchParams)).toEqual({ error: "not_configured", provider: "github" });
    } finally {
      process.env.GITHUB_CLIENT_SECRET = fake.clientSecret;
    }
    expect(await listConnections(userId)).toEqual([]);
  });
});
