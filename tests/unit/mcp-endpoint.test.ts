import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LATEST_PROTOCOL_VERSION as SDK1_LATEST } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db/client";
import { accessTokens, automationRuns, toolRuns } from "@/db/schema";
import { createAutomation } from "@/lib/automations/store";
import { startFakeOpenWeather, type FakeOpenWeather } from "@/e2e/fakes/openweather";
import type { FakeGitHub } from "@/e2e/fakes/github";
import * as mcpRoute from "@/app/api/mcp/route";
import * as resourceMetadataRoute from "@/app/.well-known/oauth-protected-resource/api/mcp/route";
import { createAccessToken, revokeAccessToken } from "@/lib/auth/access-tokens";
import { saveApiKey } from "@/lib/connections/api-keys";
import { saveImport } from "@/lib/openapi/store";
import { resetEnvCache } from "@/lib/platform/env";
import type { Actor } from "@/lib/platform";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { startRouteServer, type RouteServer } from "../support/route-server";

const logged: string[] = [];
for (const method of ["log", "info", "warn", "error"] as const) {
  const original = console[method].bind(console);
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
    original(...args);
  });
}

const BOB_WEATHER_KEY = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

let github: FakeGitHub;
let weather: FakeOpenWeather;
let app: RouteServer;
let alice: Awaited<ReturnType<typeof createUser>>;
let bob: Awaited<ReturnType<typeof createUser>>;
const issued: string[] = [];

async function token(actor: Actor, name: string, scope: "read" | "write", expiresAt?: Date) {
  const created = await createAccessToken(actor, { name, scope, expiresAt });
  issued.push(created.token);
  return created;
}

beforeAll(async () => {
  github = await startGitHubFake();
  weather = await startFakeOpenWeather(0, [BOB_WEATHER_KEY]);
  process.env.OPENWEATHER_API_URL = weather.url;
  app = await startRouteServer({ "/api/mcp": mcpRoute, "/.well-known/oauth-protected-resource/api/mcp": resourceMetadataRoute });
  process.env.APP_URL = app.url;
  resetEnvCache();
  alice = await createUser("mcp-alice");
  bob = await createUser("mcp-bob");
  await connectGitHub(alice.id);
  await saveApiKey(bob.id, "openweather", BOB_WEATHER_KEY);
});
afterAll(async () => {
  await app.close();
  await Promise.all([github.close(), weather.close()]);
});

const mcpUrl = () => new URL("/api/mcp", app.url);
const bearer = (value: string) => ({ headers: { Authorization: `Bearer ${value}` } });

/** A client of @modelcontextprotocol/sdk 1.x (2025-era, initialize handshake), as most deployed clients are. */
async function legacyClient(value: string) {
  const client = new LegacyClient({ name: "sdk-1-test", version: "1.0.0" });
  await client.connect(new LegacyTransport(mcpUrl(), { requestInit: bearer(value) }));
  return client;
}

/** A client of the current SDK, negotiating the newest revision it and the server share (2026-07-28). */
async function modernClient(value: string) {
  const client = new ModernClient({ name: "sdk-2-test", version: "2.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new ModernTransport(mcpUrl(), { requestInit: bearer(value) }));
  return client;
}

async function runsOf(userId: string) {
  return db()
    .select()
    .from(toolRuns)
    .where(and(eq(toolRuns.userId, userId), eq(toolRuns.trigger, "mcp")));
}

describe("MCP endpoint: each token acts as its owner, with the owner's connections", () => {
  it("lists and runs Alice's GitHub tools for Alice (SDK 1.x client), recorded as via MCP with the token name", async () => {
    const client = await legacyClient((await token(alice, "Alice laptop", "write")).token);
    expect(client.getServerVersion()?.name).toBe("patchbay");
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["github-list-user-repos", "github-create-issue", "api-call"]));
    expect(names).not.toContain("get-weather");

    const created = await client.callTool({ name: "github-create-issue", arguments: { owner: "octocat", repo: "hello-world", title: "Filed over MCP" } });
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ success: true, issue: { number: expect.any(Number), state: "open" } });
    expect(github.createdIssues.at(-1)).toMatchObject({ title: "Filed over MCP" });
    expect(await runsOf(alice.id)).toEqual([expect.objectContaining({ toolId: "github-create-issue", mcpTokenName: "Alice laptop", status: "succeeded" })]);
    await client.close();
  });

  it("lists and runs Bob's weather tool for Bob with his own key (current-revision client); Alice's GitHub is not his", async () => {
    const client = await modernClient((await token(bob, "Bob desktop", "write")).token);
    const tools = (await client.listTools()).tools;
    const names = tools.map((tool) => tool.name);
    expect(names).toContain("get-weather");
    expect(names.filter((name) => name.startsWith("github-"))).toEqual([]);
    expect(tools.find((tool) => tool.name === "get-weather")?.inputSchema).toMatchObject({ type: "object", properties: { location: expect.any(Object) } });

    const forecast = await client.callTool({ name: "get-weather", arguments: { location: "London" } });
    expect(forecast.isError).toBeFalsy();
    expect(weather.requests.at(-1)).toMatchObject({ q: "London" });

    const refused = await client.callTool({ name: "github-create-issue", arguments: { owner: "octocat", repo: "hello-world", title: "Not Bob's" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('There is no tool \\"github-create-issue\\" among your ready tools');
    expect((await runsOf(bob.id)).map((run) => [run.toolId, run.mcpTokenName])).toEqual([["get-weather", "Bob desktop"]]);
    expect((await runsOf(alice.id)).map((run) => run.toolId)).not.toContain("get-weather");
    await client.close();
  });

  it("speaks revision 2026-07-28 with the current SDK's client", async () => {
    const transport = new ModernTransport(mcpUrl(), { requestInit: bearer((await token(bob, "modern", "read")).token) });
    const client = new ModernClient({ name: "sdk-2-test", version: "2.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("get-weather");
    expect(transport.protocolVersion).toBe("2026-07-28");
    await client.close();
  });

  it("negotiates the 2025 revision with SDK 1.x", async () => {
    const response = await fetch(mcpUrl(), {
      method: "POST",
      headers: {
        ...bearer((await token(alice, "raw", "read")).token).headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: SDK1_LATEST, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`"protocolVersion":"${SDK1_LATEST}"`);
  });

  it("lists automations and starts a manual one with a write token; a read token only lists", async () => {
    const automation = await createAutomation(alice, {
      name: "Say hello over MCP",
      definition: {
        trigger: { kind: "manual", fields: [{ name: "who", type: "string", required: true }] },
        steps: [{ key: "greet", kind: "condition", when: "$length(input.who) > 0" }],
      },
    });
    const writer = await modernClient((await token(alice, "Alice automations", "write")).token);
    const listed = await writer.callTool({ name: "automations-list", arguments: {} });
    expect(listed.structuredContent).toMatchObject({
      success: true,
      automations: expect.arrayContaining([expect.objectContaining({ id: automation.id, name: "Say hello over MCP", trigger: "manual" })]),
    });
    const missing = await writer.callTool({ name: "automations-start", arguments: { automation: "Say hello over MCP" } });
    expect(missing).toMatchObject({ isError: true, content: [{ text: "who is required." }] });
    const started = await writer.callTool({ name: "automations-start", arguments: { automation: "Say hello over MCP", input: { who: "Ada" } } });
    expect(started.isError).toBeFalsy();
    const { runId } = started.structuredContent as { runId: string };
    expect(await db().select().from(automationRuns).where(eq(automationRuns.id, runId))).toMatchObject([
      { trigger: "manual", startedBy: alice.id, input: { who: "Ada" } },
    ]);
    await writer.close();

    const reader = await legacyClient((await token(alice, "Alice automations read", "read")).token);
    const names = (await reader.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("automations-list");
    expect(names).not.toContain("automations-start");
    const refused = await reader.callTool({ name: "automations-start", arguments: { automation: automation.id, input: { who: "Ada" } } });
    expect(refused.isError).toBe(true);
    await reader.close();
  });

  it("gives a read token only the tools that never write, and refuses a write tool with a clear tool error", async () => {
    const client = await legacyClient((await token(alice, "Alice read-only", "read")).token);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["github-list-user-repos", "github-list-issues"]));
    expect(names).not.toContain("github-create-issue");
    expect(names).not.toContain("api-call");

    const before = github.createdIssues.length;
    const refused = await client.callTool({ name: "github-create-issue", arguments: { owner: "octocat", repo: "hello-world", title: "Should not exist" } });
    expect(refused.isError).toBe(true);
    expect(refused.content).toEqual([
      {
        type: "text",
        text: '"github-create-issue" can change things at GitHub, and the token "Alice read-only" has read scope. Use a token with write scope to run it.',
      },
    ]);
    expect(github.createdIssues.length).toBe(before);

    const read = await client.callTool({ name: "github-list-user-repos", arguments: {} });
    expect(read.isError).toBeFalsy();
    expect((await runsOf(alice.id)).filter((run) => run.mcpTokenName === "Alice read-only").map((run) => run.toolId)).toEqual(["github-list-user-repos"]);
    await client.close();
  });

  it("never lets a read token turn an imported GET into a DELETE with a method-override header", async () => {
    const received: { method: string; headers: Record<string, unknown> }[] = [];
    const service = createServer((request, response) => {
      received.push({ method: request.method ?? "", headers: request.headers });
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const carol = await createUser("mcp-override");
      const description = {
        openapi: "3.0.3",
        info: { title: "Things", version: "1" },
        paths: {
          "/things/{id}": {
            get: {
              operationId: "getThing",
              parameters: [
                { name: "id", in: "path", required: true, schema: { type: "string" } },
                { name: "X-HTTP-Method-Override", in: "header", schema: { type: "string" } },
              ],
              responses: { "200": { description: "ok" } },
            },
          },
        },
      };
      await saveImport(carol.workspaceId, {
        source: { kind: "text", text: JSON.stringify(description) },
        serverUrl: `http://127.0.0.1:${(service.address() as { port: number }).port}`,
        auth: { kind: "none" },
      });
      const client = await legacyClient((await token(carol, "Carol read-only", "read")).token);
      const tool = (await client.listTools()).tools.find((candidate) => candidate.title === "things.getThing")!;
      const overrideKey = Object.keys(tool.inputSchema.properties ?? {}).find((key) => /override/i.test(key))!;
      const result = await client.callTool({ name: tool.name, arguments: { id: "1", [overrideKey]: "DELETE" } });
      expect(received).toEqual([]);
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/X-HTTP-Method-Override/i);
      await client.close();
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await new Promise((resolve) => service.close(resolve));
    }
  });

  it("answers bad input as a tool error naming the field", async () => {
    const client = await modernClient((await token(alice, "Alice input", "write")).token);
    const result = await client.callTool({ name: "github-create-issue", arguments: { owner: "octocat" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Invalid input: .*repo/);
    await client.close();
  });
});

describe("MCP endpoint: authentication", () => {
  async function post(authorization?: string) {
    return fetch(mcpUrl(), {
      method: "POST",
      headers: { ...(authorization ? { authorization } : {}), "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
  }
  const metadataUrl = () => `${app.url}/.well-known/oauth-protected-resource/api/mcp`;

  it("answers 401 with a challenge naming the resource metadata when no token is sent, and the metadata is served there", async () => {
    const response = await post();
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadataUrl()}"`);
    const metadata = await (await fetch(metadataUrl())).json();
    expect(metadata).toMatchObject({ resource: `${app.url}/api/mcp`, authorization_servers: [app.url], scopes_supported: ["read", "write"] });
  });

  it("answers 401 invalid_token for an unknown, a revoked and an expired token", async () => {
    const revoked = await token(alice, "to revoke", "write");
    expect((await post(`Bearer ${revoked.token}`)).status).toBe(200);
    expect(await revokeAccessToken(alice.id, revoked.id)).toBe(true);
    const expired = await token(alice, "expired", "write", new Date(Date.now() - 1000));
    const cases = [
      ["pbat_" + "x".repeat(43), "The access token is not valid."],
      [revoked.token, "The access token has been revoked."],
      [expired.token, "The access token has expired."],
    ] as const;
    for (const [value, description] of cases) {
      const response = await post(`Bearer ${value}`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${metadataUrl()}", error="invalid_token", error_description="${description}"`,
      );
    }
  });

  it("makes the SDK client fail to connect with a revoked token", async () => {
    const revoked = await token(bob, "revoked before use", "write");
    await revokeAccessToken(bob.id, revoked.id);
    await expect(legacyClient(revoked.token)).rejects.toThrow(/The access token has been revoked/);
  });

  it("refuses a token over its per-minute limit with 429 and Retry-After", async () => {
    process.env.MCP_RATE_LIMIT_PER_MINUTE = "3";
    resetEnvCache();
    // The count is per clock minute: start just after a minute begins, so the four fall in one.
    vi.useFakeTimers({ toFake: ["Date"], now: Math.ceil(Date.now() / 60_000) * 60_000 + 1000 });
    try {
      const limited = await token(bob, "limited", "read");
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(`Bearer ${limited.token}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const other = await token(bob, "other", "read");
      expect((await post(`Bearer ${other.token}`)).status).toBe(200);
    } finally {
      vi.useRealTimers();
      delete process.env.MCP_RATE_LIMIT_PER_MINUTE;
      resetEnvCache();
    }
  });

  it("refuses a JSON-RPC batch with 400 and a JSON-RPC error, running none of its calls", async () => {
    const batcher = await token(bob, "batcher", "write");
    const calls = Array.from({ length: 5 }, (_, index) => ({
      jsonrpc: "2.0",
      id: index + 1,
      method: "tools/call",
      params: { name: "get-weather", arguments: { location: "Batch" } },
    }));
    const before = weather.requests.length;
    const response = await fetch(mcpUrl(), {
      method: "POST",
      headers: {
        authorization: `Bearer ${batcher.token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-03-26",
      },
      body: JSON.stringify(calls),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "JSON-RPC batches are not supported: send one request per HTTP request." },
    });
    expect(weather.requests.length).toBe(before);
    expect((await runsOf(bob.id)).filter((run) => run.mcpTokenName === "batcher")).toEqual([]);
  });

  it("limits a person across all their tokens with MCP_RATE_LIMIT_PER_PERSON_PER_MINUTE", async () => {
    Object.assign(process.env, { MCP_RATE_LIMIT_PER_MINUTE: "3", MCP_RATE_LIMIT_PER_PERSON_PER_MINUTE: "5" });
    resetEnvCache();
    // The count is per clock minute: start just after a minute begins, so all fall in one.
    vi.useFakeTimers({ toFake: ["Date"], now: Math.ceil(Date.now() / 60_000) * 60_000 + 1000 });
    try {
      const person = await createUser("mcp-many-tokens");
      const tokens = await Promise.all([1, 2, 3].map((index) => token(person, `token ${index}`, "read")));
      const statuses = [];
      for (const each of tokens) for (let i = 0; i < 2; i++) statuses.push((await post(`Bearer ${each.token}`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await post(`Bearer ${(await token(person, "a fresh one", "read")).token}`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await refused.json()).error_description).toMatch(/Too many requests with your tokens/);
      // Another person is not affected.
      const someoneElse = await createUser("mcp-someone-else");
      expect((await post(`Bearer ${(await token(someoneElse, "same minute", "read")).token}`)).status).toBe(200);
    } finally {
      vi.useRealTimers();
      delete process.env.MCP_RATE_LIMIT_PER_MINUTE;
      delete process.env.MCP_RATE_LIMIT_PER_PERSON_PER_MINUTE;
      resetEnvCache();
    }
  });

  it("records last use, and no token value reaches the logs or the database file", async () => {
    const [used] = await db().select().from(accessTokens).where(eq(accessTokens.name, "Alice laptop")).limit(1);
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
    db().$client.pragma("wal_checkpoint(TRUNCATE)");
    const path = process.env.DATABASE_URL!.replace(/^file:/, "");
    const files = [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file).toString("latin1"));
    expect(issued.length).toBeGreaterThan(5);
    for (const value of issued) {
      for (const content of files) expect(content.includes(value)).toBe(false);
      expect(logged.some((line) => line.includes(value))).toBe(false);
    }
  });
});
