import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getProvider } from "@/lib/providers";
import { localBucketFor } from "@/lib/http/rate-limit";
import { runTool } from "@/lib/runs/tool-runs";
import { getWorkflowRun, startWorkflowRun } from "@/lib/runs/workflow-runs";
import { todoMarker } from "@/lib/mastra/workflows/process-github-push";
import { connectGitHub, createUser, startGitHubFake, type TestUser } from "../support/helpers";
import type { FakeGitHub } from "@/e2e/fakes/github";

/**
 * GitHub calls made by Octokit go through lib/http: a local server in front of the fake GitHub
 * answers the first requests with 503 / 429 (as GitHub does under load or rate limiting), then
 * passes them through. The tools must retry, wait as long as Retry-After says, and never send a
 * POST twice when GitHub may have acted on it.
 */

type Fault = { status: number; headers?: Record<string, string>; body?: unknown };

let github: FakeGitHub;
let flaky: Server;
let user: TestUser;
let connectionId: string;
const faults: Fault[] = [];
const seen: { at: number; route: string; status: number }[] = [];

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  github = await startGitHubFake();
  user = await createUser("github-resilience");
  connectionId = (await connectGitHub(user.id)).connection.id;
  flaky = createServer(async (request, response) => {
    const route = `${request.method} ${request.url}`;
    const body = await readBody(request);
    const fault = faults.shift();
    if (fault) {
      seen.push({ at: Date.now(), route, status: fault.status });
      response.writeHead(fault.status, { "content-type": "application/json", ...fault.headers }).end(JSON.stringify(fault.body ?? { message: "Server Error" }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !["host", "connection", "content-length"].includes(name))) as Record<
      string,
      string
    >;
    const answer = await fetch(`${github.url}${request.url}`, { method: request.method, headers, body: body.length ? new Uint8Array(body) : undefined });
    seen.push({ at: Date.now(), route, status: answer.status });
    response
      .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
      .end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
  // Only the API goes through the flaky server; OAuth (the web origin) stays on the fake.
  process.env.GITHUB_API_URL = `http://127.0.0.1:${(flaky.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => flaky.close(() => resolve()));
  await github.close();
});

beforeEach(() => {
  faults.length = 0;
  seen.length = 0;
});

describe("GitHub tools through lib/http", () => {
  it("retry a 503 with backoff and answer the success", async () => {
    faults.push({ status: 503 }, { status: 503 });
    const run = await runTool(user, "github-get-repo", { owner: "octocat", repo: "hello-world" });
    expect(run.output).toMatchObject({ success: true, repo: { fullName: "octocat/hello-world" } });
    expect(seen.map((request) => [request.route, request.status])).toEqual([
      ["GET /repos/octocat/hello-world", 503],
      ["GET /repos/octocat/hello-world", 503],
      ["GET /repos/octocat/hello-world", 200],
    ]);
  });

  it("wait as long as Retry-After says on a 429, also for a POST (GitHub refused it unprocessed)", async () => {
    faults.push({ status: 429, headers: { "retry-after": "1" }, body: { message: "API rate limit exceeded" } });
    const before = github.createdIssues.length;
    const run = await runTool(user, "github-create-issue", { owner: "octocat", repo: "hello-world", title: "After a 429" });
    expect(run.output).toMatchObject({ success: true, issue: { url: expect.stringContaining("/octocat/hello-world/issues/") } });
    expect(seen.map((request) => request.status)).toEqual([429, 201]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(github.createdIssues.length).toBe(before + 1);
  });

  it("wait for a secondary rate limit (403 with Retry-After), then succeed", async () => {
    faults.push({ status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
    const run = await runTool(user, "github-list-issues", { owner: "octocat", repo: "hello-world" });
    expect(run.status).toBe("succeeded");
    expect(seen.map((request) => request.status)).toEqual([403, 200]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("never send a POST again after a 502: GitHub may have created the issue", async () => {
    faults.push({ status: 502, body: { message: "Bad Gateway" } });
    const run = await runTool(user, "github-create-issue", { owner: "octocat", repo: "hello-world", title: "Maybe created" });
    expect(run).toMatchObject({ status: "failed", error: "GitHub: POST /repos/octocat/hello-world/issues answered 502: Bad Gateway" });
    expect(seen).toHaveLength(1);
  });

  it("say plainly when GitHub cannot be reached", async () => {
    const saved = process.env.GITHUB_API_URL;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.GITHUB_API_URL = `http://127.0.0.1:${port}`;
    try {
      const run = await runTool(user, "github-get-repo", { owner: "octocat", repo: "hello-world" });
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(new RegExp(`^Request to 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED`));
    } finally {
      process.env.GITHUB_API_URL = saved;
    }
  });

  it("take tokens from GitHub's bucket for this connection", async () => {
    const { rateLimit } = getProvider("github")!;
    const bucket = localBucketFor(`github:${connectionId}`, rateLimit);
    await runTool(user, "github-get-repo", { owner: "octocat", repo: "hello-world" });
    expect(bucket.available()).toBeLessThan(rateLimit.capacity);
  });

  it("process-github-push recognises its TODO issue by the marker in the body, even with the title edited", async () => {
    const commit = { id: "b".repeat(40), message: "Speed up\n\nTODO: cache the token lookups" };
    const marker = todoMarker({ commitId: commit.id, text: "cache the token lookups" });
    // GitHub's list answer, with a body (the fake lists issues without one).
    faults.push({
      status: 200,
      body: [
        {
          number: 42,
          title: "Cache token lookups (edited)",
          html_url: "https://github.com/octocat/hello-world/issues/42",
          state: "open",
          body: `Opened by Patchbay.\n\n${marker}`,
        },
      ],
    });
    const { runId, finished } = await startWorkflowRun(user, "process-github-push", {
      repository: "octocat/hello-world",
      ref: "refs/heads/main",
      commits: [commit],
    });
    expect((await finished).status).toBe("success");
    expect((await getWorkflowRun(user.workspaceId, runId))!.steps[1]!.output).toEqual({
      opened: [],
      existing: [{ number: 42, url: "https://github.com/octocat/hello-world/issues/42" }],
    });
    expect(seen.map((request) => request.route)).toEqual(["GET /repos/octocat/hello-world/issues?labels=todo&state=all&per_page=100"]);
  });
});
