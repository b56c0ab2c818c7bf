import { createServer, type Server } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, usingPostgres } from "@/db/client";
import { connections } from "@/db/schema";
import { resolveApiKey, saveApiKey } from "@/lib/connections/api-keys";
import { disconnect } from "@/lib/connections/disconnect";
import { ConnectionError } from "@/lib/connections/errors";
import { connectionStatusView } from "@/lib/connections/status";
import { findConnection, listConnections, toSummary, unsealFrom } from "@/lib/connections/store";
import { getAccessToken } from "@/lib/connections/tokens";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { startWorker, type Worker } from "../support/worker-process";

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await startGitHubFake({ expiringTokens: true });
});
afterAll(() => fake.close());

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

async function githubUser(accessToken: string): Promise<number> {
  return (await fetch(`${fake.url}/user`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

type WorkerOutcome = { tokens: string[]; errors: string[] };

/**
 * A separate process on this file's database and fake GitHub (tests/support/token-worker.ts) that
 * makes `calls` concurrent getAccessToken calls once told to go.
 */
function startTokenWorker(userId: string, calls: number): Promise<Worker<WorkerOutcome>> {
  return startWorker<WorkerOutcome>("tests/support/token-worker.ts", [userId, String(calls)], "token worker ready");
}

/** Makes the stored token due for refresh (expiring within the five-minute margin). */
async function makeDue(connectionId: string): Promise<void> {
  await db()
    .update(connections)
    .set({ expiresAt: new Date(Date.now() + 60_000) })
    .where(eq(connections.id, connectionId));
}

describe("getAccessToken", () => {
  it("returns the live token without refreshing while it is fresh", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const before = fake.tokenRequests.refresh_token;
    const { accessToken } = await getAccessToken(user.id, "github");
    expect(await githubUser(accessToken)).toBe(200);
    expect(fake.tokenRequests.refresh_token).toBe(before);
    expect(connection.expiresAt!.getTime() - Date.now()).toBeGreaterThan(7 * 60 * 60 * 1000);
  });

  it("refreshes once for 50 concurrent callers, and saves the rotated pair", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const oldRefresh = unsealFrom(connection.id, "refresh_token", connection.refreshTokenSealed!);
    await makeDue(connection.id);
    fake.expireAccessTokens();
    const before = fake.tokenRequests.refresh_token;

    const results = await Promise.all(Array.from({ length: 50 }, () => getAccessToken(user.id, "github")));

    expect(fake.tokenRequests.refresh_token - before).toBe(1);
    const tokens = new Set(results.map((result) => result.accessToken));
    expect(tokens.size).toBe(1);
    const [fresh] = tokens;
    expect(await githubUser(fresh!)).toBe(200);

    const saved = (await findConnection(user.id, connection.id))!;
    expect(unsealFrom(saved.id, "access_token", saved.accessTokenSealed!)).toBe(fresh);
    const newRefresh = unsealFrom(saved.id, "refresh_token", saved.refreshTokenSealed!);
    expect(newRefresh).not.toBe(oldRefresh);
    expect(fake.refreshTokens.has(oldRefresh)).toBe(false);
    expect(fake.refreshTokens.has(newRefresh)).toBe(true);
    expect(saved.lastRefreshedAt!.getTime()).toBeGreaterThan(connection.lastRefreshedAt!.getTime() - 1);
    expect(saved.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 7 * 60 * 60 * 1000);
  });

  // Issue 12: on PostgreSQL three processes share the database and take turns on the connection's
  // advisory lock; on SQLite there is one process, so one worker makes all the calls.
  it("refreshes once for 100 concurrent callers spread over separate processes", { timeout: 60_000 }, async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    await makeDue(connection.id);
    fake.expireAccessTokens();
    const before = fake.tokenRequests.refresh_token;

    const processes = usingPostgres() ? 3 : 1;
    const shares = Array.from({ length: processes }, (_, index) => Math.floor(100 / processes) + (index < 100 % processes ? 1 : 0));
    const workers = await Promise.all(shares.map((calls) => startTokenWorker(user.id, calls)));
    // A slow token endpoint: without the cross-process lock the processes' refreshes would overlap
    // (and the second would spend a rotated refresh token: bad_refresh_token, needs_reconnect).
    fake.refreshDelayMs = 1000;
    let outcomes: WorkerOutcome[];
    try {
      for (const worker of workers) worker.go();
      outcomes = await Promise.all(workers.map((worker) => worker.result));
    } finally {
      fake.refreshDelayMs = 0;
    }

    expect(outcomes.flatMap((outcome) => outcome.errors)).toEqual([]);
    const tokens = new Set(outcomes.flatMap((outcome) => outcome.tokens));
    expect(outcomes.reduce((total, outcome) => total + outcome.tokens.length, 0)).toBe(100);
    expect(fake.tokenRequests.refresh_token - before).toBe(1);
    expect(tokens.size).toBe(1);
    const [fresh] = tokens;
    expect(await githubUser(fresh!)).toBe(200);
    const saved = (await findConnection(user.id, connection.id))!;
    expect(unsealFrom(saved.id, "access_token", saved.accessTokenSealed!)).toBe(fresh);
  });

  it("marks the connection needs_reconnect on invalid_grant and stops calling the provider", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    await makeDue(connection.id);
    fake.refreshTokens.clear(); // the grant is gone at GitHub: refresh answers bad_refresh_token
    const error = await rejection(getAccessToken(user.id, "github"));
    expect(error.code).toBe("needs_reconnect");
    expect(error.message).toContain("Reconnect");
    const saved = (await findConnection(user.id, connection.id))!;
    expect(saved.status).toBe("needs_reconnect");
    expect(saved.lastError).toContain("bad_refresh_token");

    const before = fake.tokenRequests.refresh_token;
    expect((await rejection(getAccessToken(user.id, "github"))).code).toBe("needs_reconnect");
    expect(fake.tokenRequests.refresh_token).toBe(before);
  });

  it("marks the connection error when a refresh fails for another reason, and active again after a good refresh", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    await makeDue(connection.id);
    const broken = createServer((_request, response) => {
      response.writeHead(503, { "content-type": "text/html" });
      response.end("<h1>Service Unavailable</h1>");
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    const address = broken.address();
    process.env.GITHUB_BASE_URL = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const error = await rejection(getAccessToken(user.id, "github"));
      expect(error.code).toBe("refresh_failed");
    } finally {
      process.env.GITHUB_BASE_URL = fake.url;
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
    const failed = (await findConnection(user.id, connection.id))!;
    expect(failed.status).toBe("error");
    expect(failed.lastError).toBe("refresh failed: HTTP 503");
    expect(connectionStatusView(toSummary(failed))).toEqual({ label: "Error", tone: "red", message: failed.lastError, reconnect: true });

    const { accessToken } = await getAccessToken(user.id, "github");
    expect(await githubUser(accessToken)).toBe(200);
    const recovered = (await findConnection(user.id, connection.id))!;
    expect(recovered).toMatchObject({ status: "active", lastError: null });
    expect(connectionStatusView(toSummary(recovered))).toEqual({ label: "Active", tone: "green", reconnect: false });
  });

  it("shows each stored status as itself", () => {
    expect(connectionStatusView({ status: "needs_reconnect", lastError: "GitHub no longer accepts this connection (bad_refresh_token)." })).toEqual({
      label: "Needs reconnect",
      tone: "amber",
      message: "GitHub no longer accepts this connection (bad_refresh_token).",
      reconnect: true,
    });
    expect(connectionStatusView({ status: "error", lastError: null }).label).toBe("Error");
    expect(connectionStatusView({ status: "revoked", lastError: null }).label).toBe("Revoked");
  });

  it("says what to do when nothing is connected", async () => {
    const user = await createUser();
    const error = await rejection(getAccessToken(user.id, "github"));
    expect(error.code).toBe("not_connected");
    expect(error.message).toBe("Connect GitHub first on the Connections page.");
  });
});

describe("disconnect", () => {
  it("revokes the grant at GitHub, then deletes the tokens", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const { accessToken } = await getAccessToken(user.id, "github");
    const revokedBefore = fake.revokedGrants.length;
    expect(await disconnect(user.id, connection.id)).toEqual({ revoked: true, message: "Disconnected and revoked." });
    expect(fake.revokedGrants.length).toBe(revokedBefore + 1);
    expect(await githubUser(accessToken)).toBe(401);
    expect(await listConnections(user.id)).toEqual([]);
    expect(await db().select().from(connections).where(eq(connections.id, connection.id))).toEqual([]);
  });

  it("refreshes an expired token before revoking with it, through the single-flight refresh", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const stale = unsealFrom(connection.id, "access_token", connection.accessTokenSealed!);
    await makeDue(connection.id);
    fake.expireAccessTokens();
    const refreshesBefore = fake.tokenRequests.refresh_token;
    const revokedBefore = fake.revokedGrants.length;
    expect(await disconnect(user.id, connection.id)).toEqual({ revoked: true, message: "Disconnected and revoked." });
    expect(fake.tokenRequests.refresh_token - refreshesBefore).toBe(1);
    expect(fake.revokedGrants.length).toBe(revokedBefore + 1);
    expect(await listConnections(user.id)).toEqual([]);

    // A tool asking for the token at the same moment shares the one refresh.
    const other = await createUser();
    const second = (await connectGitHub(other.id)).connection;
    await makeDue(second.id);
    const before = fake.tokenRequests.refresh_token;
    // The tool's refresh is in flight (the provider answers slowly) when the disconnect comes:
    // which of two calls reads the row first is up to the database, so the order is made explicit.
    fake.refreshDelayMs = 300;
    try {
      const concurrentCall = getAccessToken(other.id, "github");
      for (let waited = 0; fake.tokenRequests.refresh_token === before && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      const [result, concurrent] = await Promise.all([disconnect(other.id, second.id), concurrentCall]);
      expect(result.revoked).toBe(true);
      expect(fake.tokenRequests.refresh_token - before).toBe(1);
      expect(concurrent.accessToken).not.toBe(stale);
    } finally {
      fake.refreshDelayMs = 0;
    }
  });

  it("says so when GitHub does not confirm the revocation (422), and still deletes the tokens", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    const { accessToken } = await getAccessToken(user.id, "github");
    fake.accessTokens.delete(accessToken); // GitHub no longer knows this token: it answers 422
    const revokedBefore = fake.revokedGrants.length;
    const result = await disconnect(user.id, connection.id);
    expect(result.revoked).toBe(false);
    expect(result.message).toBe("Disconnected; the provider did not confirm the revocation (HTTP 422). Revoke Patchbay in your GitHub settings.");
    expect(result.message).not.toContain(accessToken);
    expect(fake.revokedGrants.length).toBe(revokedBefore);
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("says so when the client credentials are wrong (404)", async () => {
    const user = await createUser();
    const { connection } = await connectGitHub(user.id);
    process.env.GITHUB_CLIENT_SECRET = "not-the-secret";
    try {
      const result = await disconnect(user.id, connection.id);
      expect(result).toMatchObject({ revoked: false, message: expect.stringContaining("did not confirm the revocation (HTTP 404)") });
    } finally {
      process.env.GITHUB_CLIENT_SECRET = fake.clientSecret;
    }
  });

  it("never lets one user see, use or disconnect another user's connection", async () => {
    const owner = await createUser("owner");
    const intruder = await createUser("intruder");
    const { connection } = await connectGitHub(owner.id);
    expect(await findConnection(intruder.id, connection.id)).toBeUndefined();
    expect(await listConnections(intruder.id)).toEqual([]);
    expect((await rejection(getAccessToken(intruder.id, "github"))).code).toBe("not_connected");
    expect((await rejection(disconnect(intruder.id, connection.id))).code).toBe("not_found");
    expect(await findConnection(owner.id, connection.id)).toBeDefined();
  });
});

describe("API keys", () => {
  let weather: Server;
  const goodKey = "0123456789abcdef0123456789abcdef";

  beforeAll(async () => {
    weather = createServer((request, response) => {
      const url = new URL(request.url!, "http://localhost");
      const ok = url.pathname === "/data/2.5/weather" && url.searchParams.get("appid") === goodKey;
      response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      response.end(JSON.stringify(ok ? { name: "London", main: { temp: 280 } } : { cod: 401, message: "Invalid API key." }));
    });
    await new Promise<void>((resolve) => weather.listen(0, "127.0.0.1", resolve));
    const address = weather.address();
    process.env.OPENWEATHER_API_URL = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => weather.close(() => resolve())));

  it("uses the user's key first, then the instance key (an owner's), else names the variable", async () => {
    const user = await createUser("owner", "owner");
    delete process.env.OPENWEATHER_API_KEY;
    let error: unknown;
    try {
      await resolveApiKey(user.id, "openweather");
    } catch (caught) {
      error = caught;
    }
    expect((error as ConnectionError).code).toBe("missing_api_key");
    expect((error as ConnectionError).message).toContain("OPENWEATHER_API_KEY");
    expect((error as ConnectionError).message).toContain("Connections page");

    process.env.OPENWEATHER_API_KEY = "instance-wide-key-000";
    expect(await resolveApiKey(user.id, "openweather")).toEqual({ apiKey: "instance-wide-key-000", source: "environment", connectionId: "environment" });

    const saved = await saveApiKey(user.id, "openweather", `  ${goodKey}  `);
    expect(saved.apiKeyLast4).toBe("cdef");
    expect(saved.apiKeySealed).not.toContain(goodKey);
    expect(await resolveApiKey(user.id, "openweather")).toMatchObject({ apiKey: goodKey, source: "user" });
    delete process.env.OPENWEATHER_API_KEY;
  });

  it("checks a key with the provider before saving it", async () => {
    const user = await createUser();
    const error = await rejection(saveApiKey(user.id, "openweather", "wrong-key-wrong-key"));
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toBe("OpenWeather rejected this key (HTTP 401). Nothing was saved.");
    expect(error.message).not.toContain("wrong-key");
    expect(await listConnections(user.id)).toEqual([]);
  });

  it("replaces a user's key rather than adding a second one", async () => {
    const user = await createUser();
    const first = await saveApiKey(user.id, "openweather", goodKey);
    const second = await saveApiKey(user.id, "openweather", goodKey);
    expect(second.id).toBe(first.id);
    expect(await listConnections(user.id)).toHaveLength(1);
  });
});
