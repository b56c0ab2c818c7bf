import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { saveImport, listOperations, listSpecs } = await import("@/lib/openapi/store");
const { suggestApiName } = await import("@/lib/openapi/api-name");
const { previewImport } = await import("@/lib/openapi/preview");
const { runTool } = await import("@/lib/runs/tool-runs");
const { toolFormSchema } = await import("@/lib/catalog/catalog");

// Each import parses in its own process; on a busy machine starting one takes seconds.
vi.setConfig({ testTimeout: 90_000 });

/** An extract of GitHub's published description (see tests/fixtures/openapi/published/README.md): no security scheme. */
const githubIssues = readFileSync(join(__dirname, "../fixtures/openapi/github-issues.json"), "utf8");
const LIST = "github.issues-list-for-repo";

type Seen = { method: string; url: string; headers: IncomingMessage["headers"] };
let echo: Server;
let echoUrl: string;
const seen: Seen[] = [];
let github: FakeGitHub;

beforeAll(async () => {
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  echo = createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, headers: request.headers });
    request.resume();
    request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end("[]"));
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  github = await startGitHubFake();
});

afterAll(async () => {
  echo.close();
  await github.close();
});

beforeEach(() => {
  seen.length = 0;
});

describe("names (issue 29)", () => {
  it("suggests a short name from the title", () => {
    expect(suggestApiName("GitHub's official OpenAPI spec + Octokit extension")).toBe("github");
    expect(suggestApiName("Swagger Petstore")).toBe("swagger-petstore");
    expect(suggestApiName("Swagger Petstore (2.0)")).toBe("swagger-petstore-2-0");
    expect(suggestApiName("The Official Stripe API Specification")).toBe("stripe-api");
    expect(suggestApiName("Decentraland Catalyst Content Server Extra")).toBe("decentraland-catalyst");
    expect(suggestApiName("Überwachung")).toBe("uberwachung");
    expect(suggestApiName("日本語")).toBe("api");
  });

  it("names GitHub's tools github.<operation>, lets the person choose the name, and keeps it when the API is imported again", async () => {
    const user = await createUser("names");
    const preview = await previewImport(user.workspaceId, { kind: "text", text: githubIssues });
    expect(preview.slug).toBe("github");
    expect(preview.operations.map((operation) => [operation.toolId, operation.operationId])).toEqual([
      [LIST, "issues/list-for-repo"],
      ["github.issues-create", "issues/create"],
    ]);

    const saved = await saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, name: "gh" });
    expect(saved.slug).toBe("gh");
    expect((await listOperations(user.workspaceId, saved.id)).map((operation) => operation.toolId)).toEqual(["gh.issues-list-for-repo", "gh.issues-create"]);

    // Imported again without a name: the earlier import of this title gives it, so the tool ids stay.
    const again = await previewImport(user.workspaceId, { kind: "text", text: githubIssues });
    expect(again.slug).toBe("gh");
    expect(again.replaces).toMatchObject({ unchanged: 2, added: [], removed: [] });
    const replaced = await saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, replace: true });
    expect(replaced).toMatchObject({ id: saved.id, slug: "gh" });

    // Another name is another API; a name taken needs confirming.
    await expect(saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, name: "gh" })).rejects.toThrow(
      'You have an API named "gh" already',
    );
    await saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, name: "github-staging" });
    expect((await listSpecs(user.workspaceId)).map((spec) => spec.slug)).toEqual(["gh", "github-staging"]);
    await expect(saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, name: "Not A Slug" })).rejects.toThrow(
      /lower-case letters/,
    );
  });
});

describe("unset parameters (issue 29)", () => {
  it("sends only what was set and the required values, not the schema's defaults", async () => {
    const user = await createUser("defaults");
    await saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, enabledToolIds: [LIST] });
    const run = await runTool(user, LIST, { owner: "octocat", repo: "hello-world" });
    expect(run.status).toBe("succeeded");
    // state, sort, direction, per_page and page all have defaults in the description; none was set.
    expect(seen.map((request) => request.url)).toEqual(["/repos/octocat/hello-world/issues"]);
    await runTool(user, LIST, { owner: "octocat", repo: "hello-world", sort: "updated", page: 2 });
    expect(seen[1]!.url).toBe("/repos/octocat/hello-world/issues?sort=updated&page=2");
    // The form shows the default as a note and does not start with it.
    const form = (await toolFormSchema(user.workspaceId, LIST)) as { properties: Record<string, { default?: unknown; description?: string }> };
    expect(form.properties.sort!.default).toBeUndefined();
    expect(form.properties.sort!.description).toContain("(default: created)");
  });
});

describe("credentials for a description without security schemes (issue 29)", () => {
  it("runs with a connection's token as a bearer token, only on the provider's API origin", async () => {
    const user = await createUser("bearer");
    await connectGitHub(user.id);
    const auth = { kind: "connection" as const, scheme: { type: "bearer" as const }, providerId: "github" };
    // GitHub's credential never goes to another server.
    await expect(saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: echoUrl, auth })).rejects.toMatchObject({
      problems: [{ location: "serverUrl", message: expect.stringContaining(`GitHub credentials are only sent to ${github.url}`) }],
    });
    const spec = await saveImport(user.workspaceId, { source: { kind: "text", text: githubIssues }, serverUrl: github.url, auth, enabledToolIds: [LIST] });
    expect(spec).toMatchObject({ authKind: "connection", authScheme: null, authCustomScheme: { type: "http", scheme: "bearer" } });
    const run = await runTool(user, LIST, { owner: "octocat", repo: "hello-world" });
    // The fake answers 401 without a token it issued.
    expect(run).toMatchObject({ status: "succeeded", output: { status: 200, data: [] } });
    expect(JSON.stringify(run)).not.toContain(github.issuedAccessTokens.at(-1)!);
  });

  it("runs with a pasted key in a named header (GitHub's `Authorization: token …`), sealed and bound to the chosen server", async () => {
    const owner = await createUser("token-owner");
    await connectGitHub(owner.id);
    const token = github.issuedAccessTokens.at(-1)!;
    const user = await createUser("header-key");
    await saveImport(user.workspaceId, {
      source: { kind: "text", text: githubIssues },
      serverUrl: github.url,
      auth: { kind: "secret", scheme: { type: "apiKey", in: "header", name: "Authorization" }, secret: `token ${token}` },
      enabledToolIds: [LIST],
    });
    const run = await runTool(user, LIST, { owner: "octocat", repo: "hello-world" });
    expect(run).toMatchObject({ status: "succeeded", output: { status: 200 } });
    expect(JSON.stringify(await listSpecs(user.workspaceId))).not.toContain(token);
    expect(JSON.stringify(run)).not.toContain(token);
  });

  it("puts a pasted key in a named query parameter, or sends user:password as basic auth", async () => {
    const user = await createUser("query-key");
    await saveImport(user.workspaceId, {
      source: { kind: "text", text: githubIssues },
      serverUrl: echoUrl,
      auth: { kind: "secret", scheme: { type: "apiKey", in: "query", name: "api_key" }, secret: "k 1" },
      enabledToolIds: [LIST],
    });
    await runTool(user, LIST, { owner: "octocat", repo: "hello-world" });
    expect(seen[0]!.url).toBe("/repos/octocat/hello-world/issues?api_key=k+1");
    expect(seen[0]!.headers.authorization).toBeUndefined();

    const basic = { kind: "secret" as const, scheme: { type: "basic" as const }, secret: "ada:pw" };
    await saveImport(user.workspaceId, {
      source: { kind: "text", text: githubIssues },
      serverUrl: echoUrl,
      auth: basic,
      name: "basic",
      enabledToolIds: ["basic.issues-list-for-repo"],
    });
    await runTool(user, "basic.issues-list-for-repo", { owner: "octocat", repo: "hello-world" });
    expect(seen[1]!.headers.authorization).toBe(`Basic ${Buffer.from("ada:pw").toString("base64")}`);
    await expect(
      saveImport(user.workspaceId, {
        source: { kind: "text", text: githubIssues },
        serverUrl: echoUrl,
        auth: { ...basic, secret: "no-colon" },
        name: "basic-2",
      }),
    ).rejects.toMatchObject({ problems: [{ location: "auth.secret" }] });
    // A header that frames the request is not a place for a key.
    await expect(
      saveImport(user.workspaceId, {
        source: { kind: "text", text: githubIssues },
        serverUrl: echoUrl,
        auth: { kind: "secret", scheme: { type: "apiKey", in: "header", name: "Host" }, secret: "x" },
        name: "host",
      }),
    ).rejects.toThrow(/frames the request/);
  });
});
