import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import { db } from "@/db/client";
import { automationRuns, webhookDeliveries, workspaces } from "@/db/schema";
import { checkAutomation, previewAutomation } from "@/lib/automations/check";
import { evaluateExpression } from "@/lib/automations/expressions";
import { getAutomationRun, listAutomationRuns } from "@/lib/automations/run-queries";
import { processDueAutomationRuns, rerunAutomationRun, startAutomationRun } from "@/lib/automations/queued-runs";
import { setDeliveryReader } from "@/lib/automations/runs";
import { fireDueSchedules } from "@/lib/automations/scheduler";
import { createAutomation, exportAutomation, listAutomations, listVersions, mayEdit, setAutomationEnabled, updateAutomation } from "@/lib/automations/store";
import { resetEnvCache } from "@/lib/platform/env";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { readDeliveryForAutomations } from "@/lib/webhooks/webhook-trigger";
import { createUser, type TestUser } from "../support/helpers";
import { startServices, type Services } from "../support/services";
import { stripeHeaders } from "../support/signers";
import { startFakeModel, type FakeModel } from "@/e2e/fakes/openai";
import { setAgentStepRunner } from "@/lib/automations/agent-step";
import { runUnattended } from "@/lib/agent/turn";
import { pendingApprovals } from "@/lib/agent/conversations";

/** A receiver for forward steps that answers what the test asks, recording every body. */
type Receiver = { url: string; bodies: unknown[]; answers: number[]; close: () => Promise<void> };
async function startReceiver(): Promise<Receiver> {
  const bodies: unknown[] = [];
  const answers: number[] = [];
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      bodies.push(JSON.parse(text || "null"));
      response.writeHead(answers.shift() ?? 200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const STRIPE_SECRET = "whsec_automation_test_secret";
let services: Services;
let receiver: Receiver;
let owner: TestUser;
let model: FakeModel;

beforeAll(async () => {
  services = await startServices();
  receiver = await startReceiver();
  process.env.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET;
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  process.env.WEBHOOK_RETRY_SCHEDULE = "5,300,1800";
  resetEnvCache();
  setDeliveryReader(readDeliveryForAutomations);
  model = await startFakeModel();
  Object.assign(process.env, {
    AGENT_MODEL: "openai/gpt-5-mini",
    AGENT_MODEL_URL: `${model.url}/v1`,
    AGENT_MODEL_API_KEY: "sk-automation-test-key-0123456789",
  });
  resetEnvCache();
  setAgentStepRunner((request) => runUnattended(request.actor, request.prompt, request));
});
afterAll(async () => {
  delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
  resetEnvCache();
  await receiver.close();
  await services.close();
  await new Promise((resolve) => model.server.close(resolve));
});
beforeEach(async () => {
  // An instance owner: the only people who act with the instance-wide Slack and Linear keys the fakes answer.
  owner = await createUser("automation-owner", "owner");
  receiver.bodies.length = 0;
  receiver.answers.length = 0;
  services.slack.messages.length = 0;
  services.linear.projects.length = 0;
});

const paymentFailed = (id = `evt_${crypto.randomUUID().slice(0, 8)}`, amount = 4200) =>
  JSON.stringify({ id, type: "invoice.payment_failed", data: { object: { id: "in_1", customer_email: "ada@example.com", amount_due: amount } } });

async function storeStripe(workspaceId: string, body: string): Promise<number> {
  const payload = JSON.parse(body) as { id: string; type: string };
  return (await insertAccepted({
    workspaceId,
    providerId: "stripe",
    dedupeKey: `stripe:${payload.id}`,
    deliveryId: payload.id,
    event: payload.type,
    receivedAt: Date.now(),
    headers: { "content-type": "application/json" },
    body,
    bodyBytes: body.length,
    verified: true,
    status: "received",
    nextAttemptAt: Date.now(),
  }))!;
}

const stripeToLinearAndSlack = (forwardUrl?: string) => ({
  name: "Failed payments to Linear and #billing",
  definition: {
    trigger: {
      kind: "delivery" as const,
      providerId: "stripe",
      event: "invoice.payment_failed",
      filter: "data.object.amount_due > 1000".replace(/^/, "payload."),
    },
    steps: [
      {
        key: "project",
        kind: "tool" as const,
        toolId: "linear-create-project",
        input: `{"name": "Payment failed: " & payload.data.object.customer_email, "description": "Amount due " & $string(payload.data.object.amount_due / 100)}`,
      },
      {
        key: "tell_billing",
        kind: "tool" as const,
        toolId: "slack-post-message",
        input: `{"channel": "#general", "text": "Payment failed for " & payload.data.object.customer_email & ": " & steps.project.project.url}`,
      },
      ...(forwardUrl ? [{ key: "forward", kind: "forward" as const, url: forwardUrl, body: `{"project": steps.project.project.id}` }] : []),
    ],
  },
});

describe("the expression evaluator", () => {
  it("maps values, and stops a runaway expression, a deep recursion, a huge value and a blocking regex without stopping the process", async () => {
    expect(
      await evaluateExpression('{"total": $sum(items.price), "names": items.name}', {
        items: [
          { name: "a", price: 2 },
          { name: "b", price: 3 },
        ],
      }),
    ).toEqual({
      total: 5,
      names: ["a", "b"],
    });
    await expect(evaluateExpression("($f := function($x) { $f($x + 1) }; $f(1))", {})).rejects.toThrow(/recursed too deeply|too long/);
    await expect(evaluateExpression("$count([1..100000000])", {})).rejects.toThrow(/failed/);
    await expect(evaluateExpression('$pad("x", 5000000)', {})).rejects.toThrow(/larger than 1000000 bytes/);
    await expect(evaluateExpression('$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)', {})).rejects.toThrow(/longer than 1000 ms/);
    await expect(evaluateExpression("payload.(", {}, "the filter")).rejects.toThrow(/^the filter cannot be read/);
    // The evaluator keeps working after each of those.
    expect(await evaluateExpression("1 + 1", {})).toBe(2);
  }, 30_000);

  it("evaluations asked in the same turn share the worker, and one that overruns fails alone", async () => {
    const base = { payload: { ref: "refs/heads/main", commits: [{ message: "a" }, { message: "b" }] } };
    const [count, ref, blocking, other] = await Promise.allSettled([
      evaluateExpression("$count(payload.commits)", { ...base, steps: {} }),
      evaluateExpression("payload.ref", { ...base, steps: {} }),
      evaluateExpression('$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)', { ...base, steps: {} }, "the condition of step slow"),
      evaluateExpression("steps.first.value * 2", { ...base, steps: { first: { value: 21 } } }),
    ]);
    expect(count).toEqual({ status: "fulfilled", value: 2 });
    expect(ref).toEqual({ status: "fulfilled", value: "refs/heads/main" });
    expect(blocking).toMatchObject({
      status: "rejected",
      reason: { message: expect.stringMatching(/^the condition of step slow failed: .*longer than 1000 ms/) },
    });
    expect(other).toEqual({ status: "fulfilled", value: 42 });
  }, 30_000);
});

describe("automations", () => {
  it("refuses to save a definition with a bad expression, an unknown tool or an unreadable schedule, naming where", async () => {
    const checked = await checkAutomation(owner.workspaceId, {
      name: "Broken",
      definition: {
        trigger: { kind: "delivery", providerId: "stripe", filter: "payload.(" },
        steps: [{ key: "a", kind: "tool", toolId: "no-such-tool", input: "{}" }],
      },
    });
    expect(checked).toMatchObject({ ok: false });
    const problems = (checked as { problems: { path: string }[] }).problems.map((problem) => problem.path);
    expect(problems).toEqual(["trigger.filter", "steps.0.toolId"]);
    const schedule = await checkAutomation(owner.workspaceId, {
      name: "Bad cron",
      definition: { trigger: { kind: "schedule", cron: "61 * * * *", timezone: "Mars/Olympus" }, steps: [{ key: "a", kind: "condition", when: "true" }] },
    });
    expect((schedule as { problems: { path: string; message: string }[] }).problems[0]).toMatchObject({ path: "trigger.cron" });
  });

  it("shows each step's mapped input for a past delivery, checked against the tool's schema", async () => {
    const id = await storeStripe(owner.workspaceId, paymentFailed());
    const found = (await readDeliveryForAutomations(owner.workspaceId, id))!;
    const { definition } = stripeToLinearAndSlack();
    const preview = await previewAutomation(owner.workspaceId, definition, {
      payload: found.scope.payload,
      event: found.scope.event,
    });
    expect(preview.filter).toEqual({ passes: true });
    expect(preview.steps[0]).toMatchObject({ key: "project", input: { name: "Payment failed: ada@example.com", description: "Amount due 42" } });
    // The second step sees the first one's output as null: a preview calls nothing.
    expect(preview.steps[1]).toMatchObject({ key: "tell_billing", input: { channel: "#general", text: "Payment failed for ada@example.com: " } });
    const bad = await previewAutomation(
      owner.workspaceId,
      { ...definition, steps: [{ key: "project", kind: "tool", toolId: "linear-create-project", input: '{"description": 1}' }] },
      { payload: found.scope.payload },
    );
    expect(bad.steps[0]!.problems?.[0]).toMatch(/^name: /);
  });

  it("runs a Stripe delivery through Linear and Slack, once per delivery, and skips deliveries the filter refuses", async () => {
    const automation = await createAutomation(owner, stripeToLinearAndSlack(), { enabled: true });
    const body = paymentFailed();
    const response = await instanceRoute.POST(
      new Request("http://localhost:3000/api/webhooks/stripe", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...stripeHeaders(STRIPE_SECRET, body) },
      }),
      { params: Promise.resolve({ provider: "stripe" }) },
    );
    expect(response.status).toBe(202);
    // The instance URL delivers to the default workspace; this automation is in the owner's own, so it runs for a delivery stored there.
    const id = await storeStripe(owner.workspaceId, paymentFailed());
    const small = await storeStripe(owner.workspaceId, paymentFailed(undefined, 500));
    await processDueDeliveries();
    const runs = await listAutomationRuns(owner.workspaceId, { automationId: automation.id });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ deliveryId: id, trigger: "delivery", status: "succeeded", attempts: 1 });
    const { steps } = (await getAutomationRun(owner.workspaceId, runs[0]!.id))!;
    expect(steps.map((step) => [step.stepKey, step.status])).toEqual([
      ["project", "succeeded"],
      ["tell_billing", "succeeded"],
    ]);
    expect(services.linear.projects.map((project) => project.name)).toEqual(["Payment failed: ada@example.com"]);
    expect(services.slack.messages).toHaveLength(1);
    expect(services.slack.messages[0]).toMatchObject({ channel: "C0GENERAL" });
    expect(String((services.slack.messages[0] as { text: string }).text)).toContain(services.linear.projects[0]!.url);
    const [smallRow] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, small));
    expect(smallRow).toMatchObject({ status: "processed", lastError: null });
    // A replay is a new attempt of the same run, not a second run.
    await db().update(webhookDeliveries).set({ status: "received", replayRequested: true, nextAttemptAt: Date.now() }).where(eq(webhookDeliveries.id, id));
    await processDueDeliveries();
    const again = await listAutomationRuns(owner.workspaceId, { automationId: automation.id });
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("retries a failed step inside the same run, reusing the steps that succeeded, and re-runs from the failed step by hand", async () => {
    const automation = await createAutomation(owner, stripeToLinearAndSlack(receiver.url), { enabled: true });
    receiver.answers.push(503, 503, 200);
    const id = await storeStripe(owner.workspaceId, paymentFailed());
    await processDueDeliveries();
    const [run] = await listAutomationRuns(owner.workspaceId, { automationId: automation.id });
    expect(run).toMatchObject({ status: "retrying", attempts: 1 });
    expect((await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]).toMatchObject({ status: "retrying" });
    // The delivery's next attempt: the run's second attempt reuses project and tell_billing.
    await db().update(webhookDeliveries).set({ nextAttemptAt: Date.now() }).where(eq(webhookDeliveries.id, id));
    await processDueDeliveries();
    const second = (await getAutomationRun(owner.workspaceId, run!.id))!;
    expect(second.run).toMatchObject({ status: "retrying", attempts: 2 });
    expect(second.steps.map((step) => [step.stepKey, step.status, step.reused])).toEqual([
      ["project", "succeeded", true],
      ["tell_billing", "succeeded", true],
      ["forward", "failed", false],
    ]);
    expect(services.linear.projects).toHaveLength(1);
    expect(services.slack.messages).toHaveLength(1);
    // Cancelled retries fail the run with its delivery; a person re-runs it from its failed step.
    await db().update(automationRuns).set({ status: "failed" }).where(eq(automationRuns.id, run!.id));
    await rerunAutomationRun(owner, run!.id);
    await processDueAutomationRuns({ pollMs: 50 });
    const third = (await getAutomationRun(owner.workspaceId, run!.id))!;
    expect(third.run).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(third.attempts.map((attempt) => attempt.outcome)).toEqual(["failed", "failed", "succeeded"]);
    expect(receiver.bodies).toEqual([
      { project: services.linear.projects[0]!.id },
      { project: services.linear.projects[0]!.id },
      { project: services.linear.projects[0]!.id },
    ]);
    expect(services.linear.projects).toHaveLength(1);
  });

  it("runs by hand with its input form, and a dry run calls nothing that changes anything", async () => {
    const automation = await createAutomation(owner, {
      name: "Announce",
      definition: {
        trigger: { kind: "manual", fields: [{ name: "text", type: "string", required: true }] },
        steps: [
          { key: "check", kind: "condition", when: "$length(input.text) > 0" },
          { key: "post", kind: "tool", toolId: "slack-post-message", input: '{"channel": "#general", "text": input.text}' },
          { key: "forward", kind: "forward", url: receiver.url, body: "input" },
        ],
      },
    });
    await expect(startAutomationRun(owner, automation.id, {})).rejects.toThrow("text is required.");
    const dry = await startAutomationRun(owner, automation.id, { input: { text: "hello" }, dryRun: true });
    await processDueAutomationRuns({ pollMs: 50 });
    const dryRun = (await getAutomationRun(owner.workspaceId, dry.id))!;
    expect(dryRun.run).toMatchObject({ status: "succeeded", dryRun: true });
    expect(dryRun.steps[1]!.output).toMatchObject({ dryRun: true, wouldSend: { channel: "#general", text: "hello" } });
    expect(services.slack.messages).toHaveLength(0);
    expect(receiver.bodies).toHaveLength(0);
    const real = await startAutomationRun(owner, automation.id, { input: { text: "hello" } });
    await processDueAutomationRuns({ pollMs: 50 });
    expect((await getAutomationRun(owner.workspaceId, real.id))!.run).toMatchObject({ status: "succeeded", startedBy: owner.id });
    expect(services.slack.messages).toHaveLength(1);
    expect(receiver.bodies).toEqual([{ text: "hello" }]);
  });

  it("a condition that is false stops the run as succeeded, and a mapping that fails fails the run without retries", async () => {
    const automation = await createAutomation(owner, {
      name: "Guarded",
      definition: {
        trigger: { kind: "manual", fields: [] },
        steps: [
          { key: "gate", kind: "condition", when: "input.go = true" },
          { key: "boom", kind: "forward", url: receiver.url, body: '$error("no way")' },
        ],
      },
    });
    const stopped = await startAutomationRun(owner, automation.id, { input: { go: false } });
    const failing = await startAutomationRun(owner, automation.id, { input: { go: true } });
    await processDueAutomationRuns({ pollMs: 50 });
    const stoppedRun = (await getAutomationRun(owner.workspaceId, stopped.id))!;
    expect(stoppedRun.run.status).toBe("succeeded");
    expect(stoppedRun.steps.map((step) => step.status)).toEqual(["succeeded", "skipped"]);
    const failed = (await getAutomationRun(owner.workspaceId, failing.id))!;
    expect(failed.run).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null });
    expect(failed.run.error).toMatch(/the body of step boom failed: no way/);
    expect(receiver.bodies).toHaveLength(0);
  });

  it("resumes a run whose process died mid-attempt, recording the lost attempt", async () => {
    const automation = await createAutomation(owner, {
      name: "Resumed",
      definition: { trigger: { kind: "manual", fields: [] }, steps: [{ key: "send", kind: "forward", url: receiver.url, body: '{"n": 1}' }] },
    });
    const run = await startAutomationRun(owner, automation.id, {});
    // As a process that leased it, started its first attempt and was killed would leave it.
    await db()
      .update(automationRuns)
      .set({ status: "running", attempts: 1, leaseUntil: Date.now() - 1 })
      .where(eq(automationRuns.id, run.id));
    await processDueAutomationRuns({ pollMs: 50 });
    const resumed = (await getAutomationRun(owner.workspaceId, run.id))!;
    expect(resumed.run).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(receiver.bodies).toEqual([{ n: 1 }]);
  });

  it("fires a schedule once per due time however many schedulers look at once", async () => {
    const automation = await createAutomation(
      owner,
      {
        name: "Every minute",
        definition: { trigger: { kind: "schedule", cron: "* * * * *", timezone: "Europe/Berlin" }, steps: [{ key: "ok", kind: "condition", when: "true" }] },
      },
      { enabled: true },
    );
    const dueAt = automation.nextDueAt!;
    expect(dueAt).toBeGreaterThan(Date.now() - 1);
    const fired = await Promise.all([fireDueSchedules(dueAt + 10), fireDueSchedules(dueAt + 10), fireDueSchedules(dueAt + 10)]);
    expect(fired.reduce((sum, count) => sum + count, 0)).toBe(1);
    const runs = await db().select().from(automationRuns).where(eq(automationRuns.automationId, automation.id));
    expect(runs).toMatchObject([{ trigger: "schedule", dueAt }]);
    await setAutomationEnabled(owner, automation.id, false);
    expect(await fireDueSchedules(dueAt + 120_000)).toBe(0);
  });

  it("keeps versions with who changed what, exports what imports again, and lets only admins and authors edit", async () => {
    const automation = await createAutomation(owner, stripeToLinearAndSlack());
    const file = exportAutomation(automation);
    const changed = await updateAutomation(owner, automation.id, { ...file, name: "Renamed" });
    expect(changed.version).toBe(2);
    expect((await listVersions(automation.id)).map((version) => [version.version, version.summary, version.changedBy])).toEqual([
      [2, "renamed", owner.id],
      [1, "Created", owner.id],
    ]);
    const copy = await createAutomation(owner, JSON.parse(JSON.stringify(exportAutomation(changed))));
    expect(copy.definition).toEqual(changed.definition);
    const member = await createUser("automation-member", "member", { workspaceId: owner.workspaceId, role: "member" });
    const admin = await createUser("automation-admin", "member", { workspaceId: owner.workspaceId, role: "admin" });
    expect(mayEdit({ userId: member.id, role: "member" }, automation)).toBe(false);
    expect(mayEdit({ userId: admin.id, role: "admin" }, automation)).toBe(true);
    expect(mayEdit({ userId: owner.id, role: "member" }, automation)).toBe(true);
    expect(mayEdit({ userId: owner.id, role: "viewer" }, automation)).toBe(false);
  });

  it("asks the agent with only the step's tools: a write not approved for the automation waits for a person, an approved one runs", async () => {
    const definition = (approvedTools: string[]) => ({
      trigger: { kind: "manual" as const, fields: [] },
      steps: [{ key: "ask", kind: "agent" as const, prompt: '"Tell #general that " & input.news', tools: ["slack-post-message"], approvedTools }],
    });
    const post = { toolCalls: [{ name: "slack-post-message", arguments: { channel: "#general", text: "shipped" } }] };
    const asking = await createAutomation(owner, { name: "Agent asks", definition: definition([]) });
    model.script.splice(0, model.script.length, post);
    const held = await startAutomationRun(owner, asking.id, { input: { news: "shipped" } });
    await processDueAutomationRuns({ pollMs: 50 });
    const heldRun = (await getAutomationRun(owner.workspaceId, held.id))!;
    expect(heldRun.run.status).toBe("failed");
    expect(heldRun.steps[0]!.error).toMatch(/^The agent wants to call slack-post-message, which changes something and is not approved for this automation/);
    expect(services.slack.messages).toHaveLength(0);
    const conversationId = /conversation ([0-9a-f-]{36})/.exec(heldRun.steps[0]!.error!)![1]!;
    expect((await pendingApprovals(conversationId)).map((call) => call.toolId)).toEqual(["slack-post-message"]);

    const trusted = await createAutomation(owner, { name: "Agent trusted", definition: definition(["slack-post-message"]) });
    model.script.splice(0, model.script.length, post, { text: "Posted to #general." });
    const done = await startAutomationRun(owner, trusted.id, { input: { news: "shipped" } });
    await processDueAutomationRuns({ pollMs: 50 });
    const doneRun = (await getAutomationRun(owner.workspaceId, done.id))!;
    expect(doneRun.run.status).toBe("succeeded");
    expect(doneRun.steps[0]!.output).toMatchObject({ text: "Posted to #general.", toolCalls: [{ toolId: "slack-post-message", status: "succeeded" }] });
    expect(services.slack.messages).toHaveLength(1);
  });

  it("gives a new workspace the two shipped automations once: a deleted one stays deleted", async () => {
    const names = (await listAutomations(owner.workspaceId)).filter((automation) => automation.seedKey).map((automation) => automation.name);
    expect(names.sort()).toEqual(["Process GitHub pushes", "Triage GitHub pull requests"]);
    const [workspace] = await db().select().from(workspaces).where(eq(workspaces.id, owner.workspaceId));
    expect(workspace!.automationsSeededAt).not.toBeNull();
  });
});
