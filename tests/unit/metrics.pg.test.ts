import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as webhookRoute from "@/app/api/webhooks/[provider]/route";
import { db } from "@/db/client";
import { instanceId } from "@/db/instance";
import { connections, webhookDeliveries } from "@/db/schema";
import { isPublicPath } from "@/lib/auth/public-paths";
import { createLocalUser } from "@/lib/auth/users";
import { ConnectionError } from "@/lib/connections/errors";
import { getAccessToken } from "@/lib/connections/tokens";
import { resetEnvCache } from "@/lib/platform/env";
import { runTool } from "@/lib/runs/tool-runs";
import { startWorkflowRun } from "@/lib/runs/workflow-runs";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { proxy } from "@/proxy";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { githubHeaders, pushPayload } from "../support/signers";

/** Issue 30, Metrics: GET /metrics in the Prometheus text format, behind METRICS_TOKEN. */

const TOKEN = "metrics-token-for-the-tests-0123456789";
const GITHUB_SECRET = "metrics-github-secret";

let server: Server;
let base: string;

/** The route module, loaded after the environment is set (the route does not exist on main). */
async function scrape(authorization?: string): Promise<Response> {
  const route = (await import("@/app/metrics/route")) as { GET: (request: Request, context: unknown) => Promise<Response> };
  const headers: Record<string, string> = authorization ? { authorization } : {};
  return route.GET(new Request("http://localhost:3000/metrics", { headers }), { params: Promise.resolve({}) });
}

async function metrics(): Promise<string> {
  const response = await scrape(`Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of the one sample whose name and labels include all of `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const matching = text.split("\n").filter((line) => {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`));
  });
  expect(matching.length).toBeLessThanOrEqual(1);
  return matching.length === 0 ? 0 : Number(matching[0]!.split(" ").at(-1));
}

function deliver(body: string, headers: Record<string, string>, provider = "github"): Promise<Response> {
  const request = new Request(`http://localhost:3000/api/webhooks/${provider}`, { method: "POST", body, headers });
  return webhookRoute.POST(request, { params: Promise.resolve({ provider }) });
}

beforeAll(async () => {
  delete process.env.METRICS_TOKEN;
  process.env.GITHUB_WEBHOOK_SECRET = GITHUB_SECRET;
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  resetEnvCache();
  await db().delete(webhookDeliveries);
  // The instance-wide intake URLs deliver to the instance's owner.
  await createLocalUser({ name: "Owner", email: "owner-metrics@example.com", password: "a long enough password" }, "owner", true);
  server = createServer((request, response) => {
    if (request.url === "/ok") return void response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not here"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  resetEnvCache();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("GET /metrics", () => {
  it("is public to the proxy, which leaves the bearer to the route and answers it as an API", async () => {
    expect(isPublicPath("/metrics")).toBe(true);
    const response = await proxy(new NextRequest("http://localhost:3000/metrics"));
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  });

  it("answers 404 without METRICS_TOKEN, as if there were no such route", async () => {
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
  });

  it("answers 401 without the right bearer, and the metrics with it", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    resetEnvCache();
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape("Bearer short")).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);

    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE patchbay_webhook_deliveries_received_total counter");
    expect(text).toContain("# TYPE patchbay_webhook_intake_duration_seconds histogram");
    // Process memory and event-loop lag, each series labelled with this process's instance id.
    expect(sample(text, "patchbay_process_resident_memory_bytes", { instance: instanceId() })).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`^patchbay_nodejs_eventloop_lag_seconds\\{instance="${instanceId()}"\\} [0-9.e+-]+$`, "m"));
  });

  it("rejects a METRICS_TOKEN too short to be a secret", async () => {
    const { parseEnv } = await import("@/lib/platform/env");
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(parseEnv({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
  });
});

describe("what the metrics count", () => {
  it("counts deliveries received, refused and processed, the intake latency and the queue", async () => {
    const before = await metrics();
    const labels = { provider: "github", endpoint: "instance" };

    const body = pushPayload();
    expect((await deliver(body, await githubHeaders(GITHUB_SECRET, body, "ping", "metrics-1"))).status).toBe(202);
    expect((await deliver(body, await githubHeaders("not-the-secret", body, "push", "metrics-2"))).status).toBe(401);
    // A made-up URL: counted, but not under the provider it names.
    expect((await deliver(body, await githubHeaders(GITHUB_SECRET, body, "push", "metrics-3"), "made-up-provider")).status).toBe(404);

    const received = await metrics();
    expect(sample(received, "patchbay_webhook_deliveries_received_total", labels)).toBe(
      sample(before, "patchbay_webhook_deliveries_received_total", labels) + 1,
    );
    const refused = { ...labels, reason: "invalid_signature" };
    expect(sample(received, "patchbay_webhook_deliveries_refused_total", refused)).toBe(
      sample(before, "patchbay_webhook_deliveries_refused_total", refused) + 1,
    );
    const unknown = { provider: "unknown", endpoint: "unknown", reason: "unknown_endpoint" };
    expect(sample(received, "patchbay_webhook_deliveries_refused_total", unknown)).toBe(
      sample(before, "patchbay_webhook_deliveries_refused_total", unknown) + 1,
    );
    expect(received).not.toContain("made-up-provider");
    const answered = (text: string, status: string) => sample(text, "patchbay_webhook_intake_duration_seconds_count", { status });
    expect(answered(received, "202")).toBe(answered(before, "202") + 1);
    expect(answered(received, "401")).toBe(answered(before, "401") + 1);
    // The stored delivery waits in the queue, due since it arrived.
    expect(sample(received, "patchbay_queue_depth", { queue: "delivery" })).toBe(1);
    expect(sample(received, "patchbay_queue_oldest_due_age_seconds", { queue: "delivery" })).toBeGreaterThanOrEqual(0);
    expect(received).toMatch(/^patchbay_queue_depth\{queue="outbound",instance="[^"]+"\} 0$/m);

    expect(await processDueDeliveries({ pollMs: 5 })).toBe(1);
    const processed = await metrics();
    expect(sample(processed, "patchbay_webhook_deliveries_processed_total", labels)).toBe(
      sample(before, "patchbay_webhook_deliveries_processed_total", labels) + 1,
    );
    expect(sample(processed, "patchbay_queue_depth", { queue: "delivery" })).toBe(0);
    expect(sample(processed, "patchbay_queue_oldest_due_age_seconds", { queue: "delivery" })).toBe(0);
  });

  it("counts runs by kind and status, and outbound calls by host and status", async () => {
    const user = await createUser("metrics");
    const host = new URL(base).host;
    const before = await metrics();

    expect((await runTool(user, "api-call", { endpoint: `${base}/ok` })).status).toBe("succeeded");
    expect((await runTool(user, "api-call", { endpoint: `${base}/missing` })).status).toBe("failed");

    const after = await metrics();
    for (const status of ["succeeded", "failed"]) {
      const labels = { kind: "tool", status };
      expect(sample(after, "patchbay_runs_total", labels)).toBe(sample(before, "patchbay_runs_total", labels) + 1);
    }
    for (const status of ["200", "404"]) {
      const labels = { host, status };
      expect(sample(after, "patchbay_outbound_requests_total", labels)).toBe(sample(before, "patchbay_outbound_requests_total", labels) + 1);
    }
  });
});

describe("with a GitHub connection", () => {
  it("counts refreshes that succeed and those that find the grant gone, and workflow runs", async () => {
    const fake = await startGitHubFake({ expiringTokens: true });
    resetEnvCache();
    try {
      const user = await createUser("metrics-refresh");
      const { connection } = await connectGitHub(user.id);
      const makeDue = () =>
        db()
          .update(connections)
          .set({ expiresAt: new Date(Date.now() + 60_000) })
          .where(eq(connections.id, connection.id));
      const refreshes = (text: string, outcome: string) => sample(text, "patchbay_token_refreshes_total", { provider: "github", outcome });
      const before = await metrics();

      await makeDue();
      await getAccessToken(user.id, "github");
      // A workflow run, while the connection is good (a push without commits calls nothing).
      const workflow = await startWorkflowRun(user, "process-github-push", { repository: "octocat/hello-world", ref: "refs/heads/main", commits: [] });
      expect((await workflow.finished).status).toBe("success");
      await makeDue();
      fake.refreshTokens.clear(); // the grant is gone at GitHub: refresh answers bad_refresh_token
      await expect(getAccessToken(user.id, "github")).rejects.toBeInstanceOf(ConnectionError);

      const after = await metrics();
      expect(refreshes(after, "success")).toBe(refreshes(before, "success") + 1);
      expect(refreshes(after, "needs_reconnect")).toBe(refreshes(before, "needs_reconnect") + 1);
      const workflows = (text: string) => sample(text, "patchbay_runs_total", { kind: "workflow", status: "succeeded" });
      expect(workflows(after)).toBe(workflows(before) + 1);
    } finally {
      await fake.close();
    }
  });
});
