import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveApiKey } from "@/lib/connections/api-keys";
import { ConnectionError } from "@/lib/connections/errors";
import { unreachableReason } from "@/lib/connections/provider-request";
import { findConnection } from "@/lib/connections/store";
import { toolAccountChoices, workflowMissingServices } from "@/lib/catalog/catalog";
import { prefillFromDelivery } from "@/lib/webhooks/prefill";
import { listRuns, runFiltersSchema } from "@/lib/runs/runs";
import { failureText, getToolRun, runTool } from "@/lib/runs/tool-runs";
import { startWorkflowRun } from "@/lib/runs/workflow-runs";
import { beginAuthorization, completeAuthorization } from "@/lib/connections/oauth/flow";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { curlCommand } from "@/lib/webhooks/curl";
import { connectGitHub, createUser, type TestUser } from "../support/helpers";
import { LINEAR_KEY, SLACK_TOKEN, startServices, type Services } from "../support/services";

let services: Services;
let me: TestUser;
let octocatId: string;
let hubotId: string;

/** Connects the fake's second account, approving it on the consent page as a person would. */
async function connectSecondAccount(id: string) {
  const authorizeUrl = await beginAuthorization(id, "github");
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set("decision", "approve-hubot");
  const response = await fetch(new URL("/login/oauth/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  return completeAuthorization(id, "github", new URL(response.headers.get("location")!));
}

beforeAll(async () => {
  services = await startServices();
  me = await createUser("runs");
  await connectGitHub(me.id);
  await connectSecondAccount(me.id);
  const [github] = await toolAccountChoices(me, "github-list-user-repos");
  octocatId = github!.accounts.find((account) => account.label === "@octocat")!.id;
  hubotId = github!.accounts.find((account) => account.label === "@hubot")!.id;
});
afterAll(() => services.close());

describe("choosing the account a tool run acts as", () => {
  it("offers every connected GitHub account, oldest first", async () => {
    expect(await toolAccountChoices(me, "github-list-user-repos")).toEqual([
      {
        providerId: "github",
        providerName: "GitHub",
        accounts: [expect.objectContaining({ label: "@octocat" }), expect.objectContaining({ label: "@hubot" })],
      },
    ]);
  });

  it("uses the oldest account unless another is chosen, and records which one", async () => {
    const plain = await runTool(me, "github-list-user-repos", {});
    expect(plain.accounts).toEqual([{ providerId: "github", connectionId: octocatId, label: "@octocat" }]);
    const chosen = await runTool(me, "github-list-user-repos", {}, { accounts: { github: hubotId } });
    expect(chosen.status).toBe("succeeded");
    expect(chosen.accounts).toEqual([{ providerId: "github", connectionId: hubotId, label: "@hubot" }]);
  });

  it("ignores a connection id that is not this user's, or not for that provider", async () => {
    const stranger = await createUser("runs-stranger");
    await connectGitHub(stranger.id);
    const theirs = (await toolAccountChoices(stranger, "github-list-user-repos"))[0]!.accounts[0]!.id;
    const run = await runTool(me, "github-list-user-repos", {}, { accounts: { github: theirs } });
    expect(run.accounts).toEqual([{ providerId: "github", connectionId: octocatId, label: "@octocat" }]);
    const key = await saveApiKey(me.id, "openweather", "owm-key-123456789", { unchecked: true });
    const mismatched = await runTool(me, "github-list-user-repos", {}, { accounts: { github: key.id } });
    expect(mismatched.accounts[0]!.label).toBe("@octocat");
    expect(await findConnection(me.id, theirs)).toBeUndefined();
  });
});

describe("the Runs list", () => {
  it("lists tool and workflow runs together, newest first, filtered and paged", async () => {
    const user = await createUser("runs-list");
    await connectGitHub(user.id);
    const tool = await runTool(user, "github-get-repo", { owner: "octocat", repo: "nope" });
    const workflow = await startWorkflowRun(user, "triage-pull-request", { repository: "octocat/hello-world", number: 7 });
    await workflow.finished;
    const all = await listRuns(user.workspaceId, {});
    expect(all.items.map((item) => [item.kind, item.name])).toEqual([
      ["workflow", "triage-pull-request"],
      ["tool", "github-get-repo"],
    ]);
    expect((await listRuns(user.workspaceId, { kind: "tool" })).items.map((item) => item.id)).toEqual([tool.id]);
    expect((await listRuns(user.workspaceId, { status: "failed" })).items.map((item) => item.id)).toEqual([tool.id]);
    expect((await listRuns(user.workspaceId, { status: "succeeded" })).items.map((item) => item.id)).toEqual([workflow.runId]);
    const firstPage = await listRuns(user.workspaceId, {}, 1);
    expect(firstPage.items).toHaveLength(1);
    expect((await listRuns(user.workspaceId, { before: firstPage.next }, 1)).items.map((item) => item.id)).toEqual([tool.id]);
    expect((await listRuns(me.workspaceId, { name: "github-get-repo" })).items).toEqual([]);
  });

  it("drops unknown filter values instead of failing the page", () => {
    expect(runFiltersSchema.parse({ kind: "robot", status: "failed", before: "abc" })).toEqual({ status: "failed" });
  });
});

describe("errors a person can act on", () => {
  it("a search where every service fails reads each service's error", () => {
    expect(
      failureText({
        success: false,
        errors: [
          { service: "github", error: "GitHub: GET /search/issues answered 503: down" },
          { service: "linear", error: "No Linear API key" },
        ],
      } as never),
    ).toBe("github: GitHub: GET /search/issues answered 503: down; linear: No Linear API key");
  });

  it("multi-service-search with every service failing fails the run with each service's error, not undefined", async () => {
    const user = await createUser("runs-search");
    const run = await runTool(user, "multi-service-search", { query: "bug", services: ["github"] });
    expect(run.status).toBe("failed");
    expect(run.error).toBe("github: Connect GitHub first on the Connections page.");
  });

  it("an unreachable service is described without internal names", () => {
    expect(unreachableReason(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }))).toBe("the connection was refused");
    expect(unreachableReason(new DOMException("timed out", "TimeoutError"))).toBe("no answer within 10 s");
    expect(unreachableReason(new TypeError("fetch failed"))).toBe("the network request failed");
  });

  it("checking a key against an unreachable OpenWeather says so, and the key can then be saved unchecked", async () => {
    const user = (await createUser("runs-weather")).id;
    const saved = process.env.OPENWEATHER_API_URL;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    process.env.OPENWEATHER_API_URL = `http://127.0.0.1:${port}`;
    try {
      const refused = await saveApiKey(user, "openweather", "owm-unreachable-key").catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConnectionError);
      expect((refused as ConnectionError).code).toBe("check_failed");
      expect((refused as Error).message).toBe(
        `Could not check the key: OpenWeather could not be reached at 127.0.0.1:${port}: the connection was refused. Nothing was saved yet; you can save the key without checking it.`,
      );
      expect((refused as Error).message).not.toMatch(/TypeError/);
      expect((await saveApiKey(user, "openweather", "owm-unreachable-key", { unchecked: true })).apiKeyLast4).toBe("-key");
    } finally {
      process.env.OPENWEATHER_API_URL = saved;
    }
  });

  it("copy as curl warns when the stored body is truncated", () => {
    expect(curlCommand("https://patchbay.example/api/webhooks/github", {}, '{"a":1', { truncated: true, bytes: 30000 })).toMatch(
      /^# WARNING: the stored body is truncated \(6 of 30000 bytes kept\); this re-sends only that part\ncurl -X POST/,
    );
    expect(curlCommand("https://patchbay.example/api/webhooks/github", {}, "{}")).toMatch(/^curl -X POST/);
  });
});

describe("before a workflow runs and from a delivery's payload", () => {
  it("says which services a workflow needs that are not connected", async () => {
    const user = await createUser("runs-missing");
    delete process.env.LINEAR_API_KEY;
    delete process.env.SLACK_BOT_TOKEN;
    try {
      expect((await workflowMissingServices(user, "project-setup")).map((service) => service.providerId)).toEqual(["github", "linear", "slack"]);
      expect(await workflowMissingServices(me, "triage-pull-request")).toEqual([]);
    } finally {
      process.env.LINEAR_API_KEY = LINEAR_KEY;
      process.env.SLACK_BOT_TOKEN = SLACK_TOKEN;
    }
  });

  it("prefills a workflow the way its webhook would, a tool with the matching fields, and records the delivery on the run", async () => {
    const body = JSON.stringify({
      action: "opened",
      number: 7,
      repository: { full_name: "octocat/hello-world" },
      pull_request: { number: 7 },
      owner: "octocat",
    });
    const deliveryId = (await insertAccepted({
      workspaceId: me.workspaceId,
      providerId: "github",
      dedupeKey: `prefill:${crypto.randomUUID()}`,
      deliveryId: crypto.randomUUID(),
      event: "pull_request",
      receivedAt: Date.now(),
      headers: { "content-type": "application/json" },
      body,
      bodyBytes: body.length,
      verified: true,
      status: "processed",
    }))!;
    expect(await prefillFromDelivery(me.workspaceId, deliveryId, { kind: "workflow", id: "triage-pull-request", fields: [] })).toMatchObject({
      input: { repository: "octocat/hello-world", number: 7 },
    });
    expect(await prefillFromDelivery(me.workspaceId, deliveryId, { kind: "tool", id: "github-get-repo", fields: ["owner", "repo"] })).toMatchObject({
      input: { owner: "octocat" },
      note: `Filled in owner from delivery #${deliveryId}.`,
    });
    const stranger = await createUser("runs-prefill-stranger");
    expect(await prefillFromDelivery(stranger.workspaceId, deliveryId, { kind: "tool", id: "github-get-repo", fields: ["owner"] })).toEqual({
      deliveryId,
      error: `There is no delivery #${deliveryId}.`,
    });
    const run = await runTool(me, "github-get-repo", { owner: "octocat", repo: "hello-world" }, { deliveryId });
    expect(await getToolRun(me.workspaceId, run.id)).toMatchObject({ deliveryId, status: "succeeded" });
  });
});
