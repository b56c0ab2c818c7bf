import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connections, oauthStates } from "@/db/schema";
import { listConnections } from "@/lib/connections/store";
import { keyRing, seal } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/platform/env";
import { beginAuthorization, completeAuthorization, OAuthFlowError, STATE_TTL_MS } from "@/lib/connections/oauth/flow";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, decide, startGitHubFake } from "../support/helpers";
import { startTokenServer, type TokenServer } from "../support/token-server";

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await startGitHubFake();
});
afterAll(() => fake.close());

async function failure(promise: Promise<unknown>): Promise<OAuthFlowError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OAuthFlowError);
  return error as OAuthFlowError;
}

describe("authorize: state and PKCE", () => {
  it("redirects with the exact redirect URI, scopes, a random state and an S256 challenge", async () => {
    const user = await createUser();
    const url = await beginAuthorization(user.id, "github", "/tools?x=1");
    expect(url.origin + url.pathname).toBe(`${fake.url}/login/oauth/authorize`);
    expect(url.searchParams.get("client_id")).toBe(fake.clientId);
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/api/connections/github/callback");
    expect(url.searchParams.get("scope")).toBe("repo read:user admin:repo_hook");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const state = url.searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(32);

    const [row] = await db().select().from(oauthStates).where(eq(oauthStates.userId, user.id)).limit(1);
    expect(row!.stateHash).toBe(createHash("sha256").update(state).digest("hex"));
    expect(row!.stateHash).not.toContain(state);
    expect(row!.codeVerifierSealed).toMatch(/^v1\./);
    expect(row!.returnTo).toBe("/tools?x=1");
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(STATE_TTL_MS - 5000);
  });

  it("keeps only same-origin relative return paths", async () => {
    const user = await createUser();
    await beginAuthorization(user.id, "github", "https://evil.example/steal");
    await beginAuthorization(user.id, "github", "//evil.example");
    const rows = await db().select().from(oauthStates).where(eq(oauthStates.userId, user.id));
    expect(rows.map((row) => row.returnTo)).toEqual(["/connections", "/connections"]);
  });

  it("refuses unknown and unconfigured providers", async () => {
    const user = await createUser();
    expect((await failure(beginAuthorization(user.id, "nope"))).failure).toBe("unknown_provider");
    expect((await failure(beginAuthorization(user.id, "stripe"))).failure).toBe("unknown_provider");
    expect((await failure(beginAuthorization(user.id, "slack"))).failure).toBe("not_configured");
  });
});

describe("callback", () => {
  it("exchanges the code with the verifier and saves the connection as the GitHub user", async () => {
    const user = await createUser();
    const { connection, returnTo } = await connectGitHub(user.id);
    expect(returnTo).toBe("/connections");
    expect(connection).toMatchObject({ providerId: "github", accountId: "583231", accountLabel: "@octocat", status: "active", authKind: "oauth2" });
    expect(connection.accessTokenSealed).toMatch(/^v1\./);
    expect(await listConnections(user.id)).toHaveLength(1);
    expect(JSON.stringify(await listConnections(user.id))).not.toMatch(/gh[ou]_/);
  });

  it("upserts: connecting the same account again keeps one row", async () => {
    const user = await createUser();
    const first = await connectGitHub(user.id);
    const second = await connectGitHub(user.id);
    expect(second.connection.id).toBe(first.connection.id);
    expect(await listConnections(user.id)).toHaveLength(1);
  });

  const rejections: [string, (userId: string) => Promise<URL>, string][] = [
    [
      "a missing state",
      async (userId) => {
        const callback = await decide(await beginAuthorization(userId, "github"), "approve");
        callback.searchParams.delete("state");
        return callback;
      },
      "missing_state",
    ],
    [
      "an unknown state",
      async (userId) => {
        const callback = await decide(await beginAuthorization(userId, "github"), "approve");
        callback.searchParams.set("state", "forged-state-value-forged-state-value");
        return callback;
      },
      "invalid_state",
    ],
    ["the user declining", async (userId) => decide(await beginAuthorization(userId, "github"), "deny"), "access_denied"],
    [
      "a provider error",
      async (userId) => {
        const callback = await decide(await beginAuthorization(userId, "github"), "deny");
        callback.searchParams.set("error", "application_suspended");
        return callback;
      },
      "provider_error",
    ],
    [
      "no code",
      async (userId) => {
        const callback = await decide(await beginAuthorization(userId, "github"), "approve");
        callback.searchParams.delete("code");
        return callback;
      },
      "missing_code",
    ],
    [
      "a code the token endpoint refuses",
      async (userId) => {
        const callback = await decide(await beginAuthorization(userId, "github"), "approve");
        callback.searchParams.set("code", "0000000000");
        return callback;
      },
      "token_error",
    ],
  ];

  it.each(rejections)("rejects %s and stores nothing", async (_label, makeCallback, expected) => {
    const user = await createUser();
    const error = await failure(completeAuthorization(user.id, "github", await makeCallback(user.id)));
    expect(error.failure).toBe(expected);
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("reports the token endpoint's own error code", async () => {
    const user = await createUser();
    const callback = await decide(await beginAuthorization(user.id, "github"), "approve");
    callback.searchParams.set("code", "0000000000");
    const error = await failure(completeAuthorization(user.id, "github", callback));
    expect(error.detail).toBe("bad_verification_code");
  });

  it("rejects a reused state", async () => {
    const user = await createUser();
    const callback = await decide(await beginAuthorization(user.id, "github"), "approve");
    await completeAuthorization(user.id, "github", callback);
    expect((await failure(completeAuthorization(user.id, "github", callback))).failure).toBe("invalid_state");
  });

  it("lets exactly one of several callbacks racing with one state through", async () => {
    const user = await createUser();
    const callback = await decide(await beginAuthorization(user.id, "github"), "approve");
    const codesBefore = fake.tokenRequests.authorization_code;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => completeAuthorization(user.id, "github", callback)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect((outcome.reason as OAuthFlowError).failure).toBe("invalid_state");
    expect(fake.tokenRequests.authorization_code - codesBefore).toBe(1);
  });

  it("rejects an expired state", async () => {
    const user = await createUser();
    const callback = await decide(await beginAuthorization(user.id, "github"), "approve");
    const error = await failure(completeAuthorization(user.id, "github", callback, Date.now() + STATE_TTL_MS + 1000));
    expect(error.failure).toBe("expired_state");
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("rejects another user's state without spoiling it for its owner", async () => {
    const owner = await createUser("owner");
    const intruder = await createUser("intruder");
    const callback = await decide(await beginAuthorization(owner.id, "github"), "approve");
    expect((await failure(completeAuthorization(intruder.id, "github", callback))).failure).toBe("invalid_state");
    expect(await listConnections(intruder.id)).toEqual([]);
    await completeAuthorization(owner.id, "github", callback);
    expect(await listConnections(owner.id)).toHaveLength(1);
  });

  it("rejects a state started for another provider", async () => {
    process.env.LINEAR_CLIENT_ID = "linear-id";
    process.env.LINEAR_CLIENT_SECRET = "linear-secret";
    try {
      const user = await createUser();
      const linearUrl = await beginAuthorization(user.id, "linear");
      const callback = new URL("http://localhost:3000/api/connections/github/callback");
      callback.searchParams.set("code", "abc");
      callback.searchParams.set("state", linearUrl.searchParams.get("state")!);
      expect((await failure(completeAuthorization(user.id, "github", callback))).failure).toBe("invalid_state");
      expect(await db().select().from(connections).where(eq(connections.userId, user.id))).toEqual([]);
    } finally {
      delete process.env.LINEAR_CLIENT_ID;
      delete process.env.LINEAR_CLIENT_SECRET;
    }
  });
});

describe("token-endpoint failures, against a local token server that checks PKCE", () => {
  let server: TokenServer;

  beforeAll(async () => {
    server = await startTokenServer();
    Object.assign(process.env, {
      GITHUB_BASE_URL: server.url,
      GITHUB_API_URL: server.url,
      GITHUB_CLIENT_ID: server.clientId,
      GITHUB_CLIENT_SECRET: server.clientSecret,
    });
  });
  afterAll(async () => {
    Object.assign(process.env, {
      GITHUB_BASE_URL: fake.url,
      GITHUB_API_URL: fake.url,
      GITHUB_CLIENT_ID: fake.clientId,
      GITHUB_CLIENT_SECRET: fake.clientSecret,
    });
    await server.close();
  });
  afterEach(() => {
    server.mode = "ok";
    delete process.env.OAUTH_TIMEOUT_SECONDS;
    resetEnvCache();
  });

  async function callbackFor(userId: string): Promise<URL> {
    const redirect = await fetch(await beginAuthorization(userId, "github"), { redirect: "manual" });
    return new URL(redirect.headers.get("location")!);
  }

  it("connects when the verifier matches the challenge", async () => {
    const user = await createUser();
    const { connection } = await completeAuthorization(user.id, "github", await callbackFor(user.id));
    expect(connection).toMatchObject({ accountId: "42", accountLabel: "@token-server-user", status: "active" });
  });

  it("is refused when the code_verifier does not match the challenge", async () => {
    const user = await createUser();
    const authorizeUrl = await beginAuthorization(user.id, "github");
    // Swap the stored verifier for another valid-looking one, sealed in the same row context.
    const stateHash = createHash("sha256").update(authorizeUrl.searchParams.get("state")!).digest("hex");
    const wrong = seal(keyRing(), "w".repeat(43), { table: "oauth_states", column: "code_verifier", id: stateHash });
    await db().update(oauthStates).set({ codeVerifierSealed: wrong }).where(eq(oauthStates.stateHash, stateHash));
    const redirect = await fetch(authorizeUrl, { redirect: "manual" });
    const error = await failure(completeAuthorization(user.id, "github", new URL(redirect.headers.get("location")!)));
    expect(error).toMatchObject({ failure: "token_error", detail: "invalid_grant" });
    expect(error.message).toBe("GitHub would not exchange the code (invalid_grant). Start again.");
    expect(await listConnections(user.id)).toEqual([]);
  });

  it.each([
    ["an HTTP 500", "http_500", "GitHub's token endpoint failed (HTTP 500). Nothing was saved; try again."],
    ["a body that is not JSON", "html", "GitHub's token endpoint failed (HTTP 200, not a JSON answer). Nothing was saved; try again."],
  ] as const)("reports %s as a token error and stores nothing", async (_label, mode, message) => {
    const user = await createUser();
    const callback = await callbackFor(user.id);
    server.mode = mode;
    const error = await failure(completeAuthorization(user.id, "github", callback));
    expect(error).toMatchObject({ failure: "token_error", detail: undefined, message });
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("gives up on a token endpoint that does not answer within OAUTH_TIMEOUT_SECONDS", async () => {
    process.env.OAUTH_TIMEOUT_SECONDS = "1";
    resetEnvCache();
    const user = await createUser();
    const callback = await callbackFor(user.id);
    server.mode = "hang";
    const started = Date.now();
    const error = await failure(completeAuthorization(user.id, "github", callback));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ failure: "token_error", message: "GitHub's token endpoint failed (no answer in time). Nothing was saved; try again." });
    expect(await listConnections(user.id)).toEqual([]);
  });
});
