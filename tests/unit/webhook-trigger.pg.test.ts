import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import { db } from "@/db/client";
import { DEFAULT_WORKSPACE_ID, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { resetEnvCache } from "@/lib/platform/env";
import { getWorkflowRun } from "@/lib/runs/workflow-runs";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { deliveryPayload } from "@/lib/webhooks/payload";
import { createLocalUser } from "@/lib/auth/users";
import { connectGitHub } from "../support/helpers";
import { startServices, type Services } from "../support/services";
import { githubHeaders, pushPayload } from "../support/signers";

const SECRET = "trigger-test-secret";
let services: Services;
let userId: string;
const workspaceId = DEFAULT_WORKSPACE_ID;

beforeAll(async () => {
  services = await startServices();
  // The instance-wide URL delivers to the default workspace, whose workflows act as its first owner:
  // the instance's owner, who is the one connected to GitHub.
  userId = (await createLocalUser({ name: "Owner", email: "owner-trigger@example.com", password: "a long enough password" }, "owner", true)).id;
  await connectGitHub(userId);
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.WEBHOOK_RETRY_SCHEDULE = "5,300,1800";
  resetEnvCache();
});
afterAll(async () => {
  await services.close();
});

const row = async (id: number) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
const attemptsOf = (id: number) => db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id));

async function store(event: string, body: string, contentType = "application/json"): Promise<number> {
  return (await insertAccepted({
    workspaceId,
    providerId: "github",
    dedupeKey: `trigger:${crypto.randomUUID()}`,
    deliveryId: crypto.randomUUID(),
    event,
    receivedAt: Date.now(),
    headers: { "content-type": contentType },
    body,
    bodyBytes: body.length,
    verified: true,
    status: "received",
    nextAttemptAt: Date.now(),
  }))!;
}

describe("deliveryPayload", () => {
  it("reads JSON bodies, and GitHub's form-encoded payload= bodies", () => {
    expect(deliveryPayload('{"a":1}', "application/json")).toEqual({ a: 1 });
    expect(deliveryPayload('{"a":1}', undefined)).toEqual({ a: 1 });
    expect(deliveryPayload(new URLSearchParams({ payload: '{"a":[1,2]}' }).toString(), "application/x-www-form-urlencoded; charset=utf-8")).toEqual({
      a: [1, 2],
    });
    expect(() => deliveryPayload("a=1", "application/x-www-form-urlencoded")).toThrow("form body without a payload field");
    expect(() => deliveryPayload("{not json", "application/json")).toThrow();
  });
});

describe("webhook-triggered workflows", () => {
  it("runs process-github-push for a form-encoded push accepted at the intake", async () => {
    const json = pushPayload({ commits: 1, message: "Form body\n\nTODO: decode form bodies" });
    const body = new URLSearchParams({ payload: json }).toString();
    const headers = { ...(await githubHeaders(SECRET, body, "push")), "content-type": "application/x-www-form-urlencoded" };
    const request = new Request("http://localhost:3000/api/webhooks/github", { method: "POST", body, headers });
    const response = await instanceRoute.POST(request, { params: Promise.resolve({ provider: "github" }) });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    await processDueDeliveries();
    const delivery = await row(id);
    expect(delivery).toMatchObject({ status: "processed", attempts: 1, lastError: null });
    const { run, steps } = (await getWorkflowRun(workspaceId, delivery.workflowRunId!))!;
    expect(run).toMatchObject({ workflowId: "process-github-push", trigger: "automation", deliveryId: id, status: "success", userId });
    expect(steps[0]!.output).toMatchObject({ repository: "octocat/hello-world", commitCount: 1, todos: [{ text: "decode form bodies" }] });
  });

  it("fails a delivery whose payload cannot be parsed at once, with the reason, instead of retrying", async () => {
    const id = await store("push", new URLSearchParams({ other: "x" }).toString(), "application/x-www-form-urlencoded");
    await processDueDeliveries();
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null, workflowRunId: null });
    expect((await row(id)).lastError).toBe("The payload cannot be parsed: form body without a payload field");
    expect(await attemptsOf(id)).toMatchObject([{ outcome: "failed" }]);
  });

  it("fails a delivery whose payload does not fit the workflow's input at once, naming the field", async () => {
    const id = await store("push", JSON.stringify({ ref: "refs/heads/main", commits: [] }));
    await processDueDeliveries();
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null, workflowRunId: null });
    expect((await row(id)).lastError).toMatch(/^Process GitHub pushes: The input of step process_push does not fit process-github-push: repository: /);
  });
});
