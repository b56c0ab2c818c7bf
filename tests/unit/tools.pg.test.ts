import { createServer, type Server } from "node:http";
import { RequestContext } from "@mastra/core/request-context";
import { noopObserve } from "@mastra/core/tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "@/lib/tools/http/api-call";
import { multiServiceSearch } from "@/lib/tools/search/multi-service-search";
import { runTool } from "@/lib/runs/tool-runs";
import { RunInputError } from "@/lib/runs/workflow-runs";
import { connectGitHub, createUser, type TestUser } from "../support/helpers";
import { startServices, WEATHER_KEY, type Services } from "../support/services";

let services: Services;
let user: TestUser;

beforeAll(async () => {
  services = await startServices();
  user = await createUser("tools", "owner"); // acts with the instance keys startServices sets, as an owner does
  await connectGitHub(user.id);
});
afterAll(() => services.close());

describe("GitHub tools (Octokit, as the connected user)", () => {
  it("github-create-issue creates the issue and answers its number and URL", async () => {
    const run = await runTool(user, "github-create-issue", {
      owner: "octocat",
      repo: "hello-world",
      title: "From Patchbay",
      body: "It works",
      labels: ["bug"],
      assignees: ["octocat"],
    });
    expect(run.status).toBe("succeeded");
    expect(run.output).toMatchObject({ success: true, issue: { number: 1, url: "https://github.com/octocat/hello-world/issues/1", state: "open" } });
    expect(services.github.createdIssues.at(-1)).toMatchObject({ title: "From Patchbay", body: "It works", labels: ["bug"], assignees: ["octocat"] });
    expect(JSON.stringify(run)).not.toMatch(/gh[our]_/);
  });

  it("lists repositories by visibility, gets one, lists its issues", async () => {
    expect((await runTool(user, "github-list-user-repos", { visibility: "private" })).output).toEqual({
      success: true,
      repos: [{ name: "secret-plans", fullName: "octocat/secret-plans", url: "https://github.com/octocat/secret-plans", private: true }],
    });
    expect((await runTool(user, "github-get-repo", { owner: "octocat", repo: "hello-world" })).output).toMatchObject({
      success: true,
      repo: { fullName: "octocat/hello-world", defaultBranch: "main" },
    });
    expect((await runTool(user, "github-list-issues", { owner: "octocat", repo: "hello-world" })).output).toMatchObject({
      success: true,
      issues: [{ number: 1, title: "From Patchbay" }],
    });
  });

  it("answers a GitHub error and a missing connection as failures, not exceptions", async () => {
    const missing = await runTool(user, "github-get-repo", { owner: "octocat", repo: "nope" });
    expect(missing).toMatchObject({ status: "failed", error: "GitHub: GET /repos/octocat/nope answered 404: Not Found" });
    const stranger = await createUser("stranger");
    const unconnected = await runTool(stranger, "github-create-issue", { owner: "octocat", repo: "hello-world", title: "x" });
    expect(unconnected).toMatchObject({ status: "failed", error: "Connect GitHub first on the Connections page." });
  });

  it("validates input against the tool's schema before running, per field", async () => {
    await expect(runTool(user, "github-create-issue", { owner: "octocat", repo: "", title: 5 })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: "repo" }), expect.objectContaining({ path: "title" })]),
    });
    await expect(runTool(user, "github-create-issue", {})).rejects.toBeInstanceOf(RunInputError);
  });
});

describe("get-weather (API key)", () => {
  it("names the variable when no key is set, then works with the instance key", async () => {
    delete process.env.OPENWEATHER_API_KEY;
    const none = await runTool(user, "get-weather", { location: "London" });
    expect(none.status).toBe("failed");
    expect(none.output).toMatchObject({ success: false });
    expect(none.error).toContain("OPENWEATHER_API_KEY");

    process.env.OPENWEATHER_API_KEY = WEATHER_KEY;
    const metric = await runTool(user, "get-weather", { location: "London,GB" });
    expect(metric.output).toEqual({
      success: true,
      location: "London",
      temperature: 18.4,
      conditions: "broken clouds",
      humidity: 72,
      windSpeed: 4.12,
      units: "metric",
    });
    const imperial = await runTool(user, "get-weather", { location: "London", units: "imperial" });
    expect(imperial.output).toMatchObject({ temperature: 65.12, windSpeed: 9.2, units: "imperial" });
    expect(services.weather.requests.at(-1)).toEqual({ q: "London", units: "imperial" });
    expect((await runTool(user, "get-weather", { location: "Nowhere" })).error).toBe('OpenWeather does not know "Nowhere".');
    delete process.env.OPENWEATHER_API_KEY;
  });
});

describe("api-call (guarded)", () => {
  let target: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    target = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url === "/redirect-metadata") return response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/iam" }).end();
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () =>
        response
          .writeHead(201, { "content-type": "application/json" })
          .end(JSON.stringify({ echoed: body ? JSON.parse(body) : null, header: request.headers["x-patchbay-test"] })),
      );
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    port = (target.address() as { port: number }).port;
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  });
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

  it("calls an allowed host with method, body and headers", async () => {
    const run = await runTool(user, "api-call", {
      endpoint: `http://127.0.0.1:${port}/items`,
      method: "POST",
      body: { a: 1 },
      headers: { "x-patchbay-test": "yes" },
    });
    expect(run.output).toMatchObject({ success: true, status: 201, data: { echoed: { a: 1 }, header: "yes" }, attempts: 1 });
  });

  it.each([
    ["127.0.0.2", "http://127.0.0.2:8080/"],
    ["the metadata address", "http://169.254.169.254/latest/meta-data/"],
    ["[::1]", "http://[::1]:8080/"],
    ["a DNS name resolving to a private address", "http://localhost:8080/"],
  ])("refuses %s", async (_label, endpoint) => {
    const run = await runTool(user, "api-call", { endpoint });
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^Refused/);
  });

  it("refuses a redirect to the metadata address", async () => {
    seen.length = 0;
    const run = await runTool(user, "api-call", { endpoint: `http://127.0.0.1:${port}/redirect-metadata` });
    expect(run.error).toMatch(/^Refused: 169\.254\.169\.254/);
    expect(seen).toEqual(["GET /redirect-metadata"]);
  });
});

describe("Slack and Linear tools", () => {
  it("creates a channel and posts to it", async () => {
    const channel = await runTool(user, "slack-create-channel", { name: "Launch Plans!" });
    expect(channel.output).toMatchObject({ success: true, name: "launch-plans" });
    const posted = await runTool(user, "slack-post-message", { channel: "#launch-plans", text: "Hello" });
    expect(posted.output).toMatchObject({ success: true });
    expect(services.slack.messages.at(-1)).toMatchObject({ text: "Hello" });
    expect((await runTool(user, "slack-post-message", { channel: "#nowhere", text: "x" })).error).toBe("Slack chat.postMessage failed: channel_not_found");
  });

  it("creates a Linear project in the first team", async () => {
    const run = await runTool(user, "linear-create-project", { name: "Patchbay launch" });
    expect(run.output).toMatchObject({ success: true, project: { name: "Patchbay launch" } });
    expect(services.linear.projects.at(-1)).toMatchObject({ name: "Patchbay launch", teamIds: ["team-eng-0001"] });
  });
});

describe("multi-service-search", () => {
  it("returns what answered, with an error per service that did not", async () => {
    const all = await runTool(user, "multi-service-search", { query: "webhook" });
    expect(all.output).toMatchObject({ success: true, errors: [] });
    const results = (all.output as { results: { service: string; hits: unknown[] }[] }).results;
    expect(results.map((result) => [result.service, result.hits.length])).toEqual([
      ["github", 1],
      ["linear", 2],
      ["notion", 1],
    ]);

    services.notion.failWith.status = 503;
    const partial = await runTool(user, "multi-service-search", { query: "webhook", services: ["github", "notion"] });
    services.notion.failWith.status = undefined;
    expect(partial.status).toBe("succeeded");
    expect(partial.output).toMatchObject({
      success: true,
      results: [{ service: "github" }],
      errors: [{ service: "notion", error: expect.stringContaining("503") }],
    });
  });
});

describe("a tool called without a user in its request context", () => {
  const noUser = { requestContext: new RequestContext(), observe: noopObserve };
  const expected = { success: false, error: "This tool needs a signed-in user in its request context." };

  it("multi-service-search answers a failure value instead of throwing", async () => {
    await expect(multiServiceSearch.execute!({ query: "webhook", services: ["github"], limit: 5 }, noUser)).resolves.toEqual(expected);
  });

  it("api-call answers a failure value instead of throwing", async () => {
    await expect(apiCall.execute!({ endpoint: "https://example.com/", method: "GET" }, noUser)).resolves.toEqual(expected);
  });
});

describe("Linear GraphQL over POST", () => {
  it("retries a query after a 503 like a GET, and sends a mutation once", async () => {
    const bodies: string[] = [];
    const unavailable = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        bodies.push(body);
        response.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: "Service unavailable" }] }));
      });
    });
    await new Promise<void>((resolve) => unavailable.listen(0, "127.0.0.1", resolve));
    const previous = process.env.LINEAR_API_URL;
    process.env.LINEAR_API_URL = `http://127.0.0.1:${(unavailable.address() as { port: number }).port}`;
    try {
      const { linearQuery } = await import("@/lib/tools/linear/graphql");
      await expect(linearQuery(user.id, "query Teams { teams { nodes { id } } }")).rejects.toThrow();
      expect(bodies.filter((body) => body.includes("query Teams"))).toHaveLength(3);
      await expect(linearQuery(user.id, "mutation Create { projectCreate(input: {}) { success } }")).rejects.toThrow();
      expect(bodies.filter((body) => body.includes("mutation Create"))).toHaveLength(1);
    } finally {
      process.env.LINEAR_API_URL = previous;
      unavailable.close();
    }
  });
});
