import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { instanceId } from "@/db/instance";
import { connections, webhookDeliveries, workflowRuns } from "@/db/schema";
import { MissingConnectionsError } from "@/lib/runs/workflow-readiness";
import { isReusedStep } from "@/lib/runs/reused-steps";
import { mastra } from "@/lib/mastra";
import { failInterruptedRuns, INTERRUPTED } from "@/lib/runs/interrupted-runs";
import { getWorkflowRun, RerunError, rerunFromFailedStep, RunInputError, startWorkflowRun } from "@/lib/runs/workflow-runs";
import { todoMarker, todoTitle } from "@/lib/mastra/workflows/process-github-push";
import { labelsFor } from "@/lib/mastra/workflows/triage-pull-request";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { connectGitHub, createUser, type TestUser } from "../support/helpers";
import { LINEAR_KEY, SLACK_TOKEN, startServices, type Services } from "../support/services";
import { pushPayload } from "../support/signers";
import { storedText } from "../support/stored-text";

let services: Services;
let user: TestUser;

beforeAll(async () => {
  services = await startServices();
  user = await createUser("workflows", "owner"); // acts with the instance keys startServices sets, as an owner does
  await connectGitHub(user.id);
});
afterAll(() => services.close());

const setupInput = (name: string) => ({ projectName: `Rocket ${name}`, repository: { owner: "octocat", name: `rocket-${name}` } });

describe("project-setup", () => {
  it("creates the repository, the Linear project and the Slack channel, recording each step", async () => {
    const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("one"));
    const run = await finished;
    expect(run).toMatchObject({ id: runId, status: "success", trigger: "manual", error: null });
    expect(run.output).toMatchObject({ fullName: "octocat/rocket-one", channelName: "rocket-one", projectUrl: expect.stringContaining("https://linear.app/") });
    const { steps } = (await getWorkflowRun(user.workspaceId, runId))!;
    expect(steps.map((step) => [step.stepId, step.status])).toEqual([
      ["create-repository", "success"],
      ["create-linear-project", "success"],
      ["create-slack-channel", "success"],
    ]);
    expect(steps.every((step) => step.startedAt && step.endedAt && step.endedAt >= step.startedAt)).toBe(true);
    expect(services.github.repos.map((repo) => repo.full_name)).toContain("octocat/rocket-one");
    expect(services.slack.channels.map((channel) => channel.name)).toContain("rocket-one");
  });

  it("says which steps succeeded, with their outputs, and which failed and why", async () => {
    services.slack.failures.set("conversations.create", { error: "restricted_action", status: 200 });
    try {
      const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("two"));
      const run = await finished;
      expect(run.status).toBe("failed");
      expect(run.error).toContain("restricted_action");
      const { steps } = (await getWorkflowRun(user.workspaceId, runId))!;
      expect(steps.map((step) => [step.stepId, step.status])).toEqual([
        ["create-repository", "success"],
        ["create-linear-project", "success"],
        ["create-slack-channel", "failed"],
      ]);
      expect(steps[0]!.output).toMatchObject({ fullName: "octocat/rocket-two" });
      expect(steps[2]!.error).toBe("Slack conversations.create failed: restricted_action");
    } finally {
      services.slack.failures.clear();
    }
  });

  it("re-runs a failed run from its failed step with the earlier outputs, in a fresh Mastra instance: nothing is created twice", async () => {
    services.slack.failures.set("conversations.create", { error: "restricted_action", status: 200 });
    const first = await startWorkflowRun(user, "project-setup", setupInput("again"));
    const failed = await first.finished;
    services.slack.failures.clear();
    expect(failed.status).toBe("failed");
    const repos = services.github.repos.length;
    const projects = services.linear.projects.length;

    // As another process (or this one after a restart) would: a Mastra instance that never saw the first run.
    (globalThis as { __patchbayMastra?: unknown }).__patchbayMastra = undefined;
    const second = await rerunFromFailedStep(user, first.runId);
    const run = await second.finished;
    expect(run).toMatchObject({ status: "success", resumedFromRunId: first.runId, input: failed.input });
    expect(run.output).toMatchObject({ fullName: "octocat/rocket-again", channelName: "rocket-again" });
    const { steps } = (await getWorkflowRun(user.workspaceId, second.runId))!;
    expect(steps.map((step) => [step.stepId, step.status])).toEqual([
      ["create-repository", "success"],
      ["create-linear-project", "success"],
      ["create-slack-channel", "success"],
    ]);
    expect(services.github.repos.length).toBe(repos);
    expect(services.linear.projects.length).toBe(projects);
    // The steps before the failed one were reused, not run: the run page marks them.
    expect(steps.map((step) => [step.stepId, isReusedStep(run, step)])).toEqual([
      ["create-repository", true],
      ["create-linear-project", true],
      ["create-slack-channel", false],
    ]);
    expect((await getWorkflowRun(user.workspaceId, first.runId))!.steps.some((step) => isReusedStep(failed, step))).toBe(false);
    await expect(rerunFromFailedStep(user, second.runId)).rejects.toBeInstanceOf(RerunError);
    const stranger = await createUser("rerun-stranger");
    await expect(rerunFromFailedStep(stranger, first.runId)).rejects.toThrow("There is no such run.");
  });

  it("fails create-repository on an answer GitHub does not document, naming the request, and runs nothing after it", async () => {
    services.github.cannedAnswers.set("POST /user/repos", { status: 200, body: "" });
    const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("odd"));
    const run = await finished;
    expect(run.status).toBe("failed");
    const { steps } = (await getWorkflowRun(user.workspaceId, runId))!;
    expect(steps.map((step) => [step.stepId, step.status])).toEqual([
      ["create-repository", "failed"],
      ["create-linear-project", "skipped"],
      ["create-slack-channel", "skipped"],
    ]);
    expect(steps[0]!.error).toMatch(/^GitHub: POST \/user\/repos answered 200, not the documented 201/);
  });

  it("names the request when GitHub refuses it", async () => {
    services.github.cannedAnswers.set("POST /user/repos", { status: 404, body: JSON.stringify({ message: "Not Found" }) });
    const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("gone"));
    await finished;
    expect((await getWorkflowRun(user.workspaceId, runId))!.steps[0]!.error).toBe("GitHub: POST /user/repos answered 404: Not Found");
  });

  it("does not start (nor re-run) when a service it needs is not connected, saying what is missing and where to fix it", async () => {
    const newcomer = await createUser("workflows-newcomer"); // nothing connected, no instance key shared with them
    const refused = await startWorkflowRun(newcomer, "project-setup", setupInput("bound-to-fail")).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MissingConnectionsError);
    expect((refused as MissingConnectionsError).missing.map((service) => service.providerId)).toContain("github");
    expect((refused as Error).message).toMatch(/^project-setup was not started: Connect GitHub.*first, on the Connections page \(\/connections\)\.$/);
    expect(await db().select().from(workflowRuns).where(eq(workflowRuns.workspaceId, newcomer.workspaceId))).toEqual([]);

    // A failed run is not re-run while what it needs is missing: it would only fail again.
    services.github.cannedAnswers.set("POST /user/repos", { status: 200, body: "" });
    const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("rerun-refused"));
    await finished;
    await db().delete(connections).where(eq(connections.userId, user.id));
    try {
      await expect(rerunFromFailedStep(user, runId)).rejects.toThrow(RerunError);
      await expect(rerunFromFailedStep(user, runId)).rejects.toThrow(/was not started: Connect GitHub/);
    } finally {
      await connectGitHub(user.id);
    }
  });

  it("refuses input that does not match the schema, per field", async () => {
    await expect(startWorkflowRun(user, "project-setup", { projectName: "", repository: { owner: "octocat", name: "bad name" } })).rejects.toBeInstanceOf(
      RunInputError,
    );
  });

  it("records each of many runs going side by side whole: their records are written together, each run's in its order", async () => {
    const names = Array.from({ length: 8 }, (_, index) => `side-${index}`);
    const started = await Promise.all(names.map((name) => startWorkflowRun(user, "project-setup", setupInput(name))));
    const runs = await Promise.all(started.map(({ finished }) => finished));
    for (const [index, run] of runs.entries()) {
      expect(run).toMatchObject({ id: started[index]!.runId, status: "success", error: null });
      expect(run.output).toMatchObject({ fullName: `octocat/rocket-${names[index]}`, channelName: `rocket-${names[index]}` });
      const { run: stored, steps } = (await getWorkflowRun(user.workspaceId, run.id))!;
      expect(stored).toEqual(run);
      expect(steps.map((step) => step.status)).toEqual(["success", "success", "success"]);
      expect(steps[0]!.output).toMatchObject({ fullName: `octocat/rocket-${names[index]}` });
      expect(steps.every((step) => step.startedAt && step.endedAt && step.endedAt >= step.startedAt && step.input !== null)).toBe(true);
    }
  });

  it("keeps runs of other users out of reach", async () => {
    const { runId, finished } = await startWorkflowRun(user, "project-setup", setupInput("three"));
    await finished;
    const stranger = await createUser("stranger");
    expect(await getWorkflowRun(stranger.workspaceId, runId)).toBeUndefined();
  });
});

describe("webhook-triggered workflows", () => {
  async function deliver(event: string, body: string): Promise<number> {
    return (await insertAccepted({
      workspaceId: user.workspaceId,
      providerId: "github",
      dedupeKey: `wf:${crypto.randomUUID()}`,
      deliveryId: crypto.randomUUID(),
      event,
      receivedAt: Date.now(),
      headers: {},
      body,
      bodyBytes: body.length,
      verified: true,
      status: "received",
      nextAttemptAt: Date.now(),
    }))!;
  }

  it("a push runs process-github-push, which opens an issue for a TODO: commit, and links run and delivery", async () => {
    const id = await deliver("push", pushPayload({ commits: 2, message: "Add retries\n\nTODO: cap the retry budget" }));
    await processDueDeliveries();
    const delivery = (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
    expect(delivery.status).toBe("processed");
    expect(delivery.workflowRunId).toBeTruthy();
    const { run, steps } = (await getWorkflowRun(user.workspaceId, delivery.workflowRunId!))!;
    expect(run).toMatchObject({ workflowId: "process-github-push", trigger: "automation", deliveryId: id, status: "success" });
    expect(steps[0]!.output).toMatchObject({ repository: "octocat/hello-world", branch: "main", commitCount: 2, todos: [{ text: "cap the retry budget" }] });
    const commitId = (steps[0]!.output as { todos: { commitId: string }[] }).todos[0]!.commitId;
    expect(services.github.createdIssues.at(-1)).toMatchObject({ title: `TODO: cap the retry budget (${commitId.slice(0, 7)})`, labels: ["todo"] });
    expect(services.github.createdIssues.at(-1)!.body).toContain(`<!-- patchbay:todo ${commitId} `);
  });

  it("a second run for the same push (a retried or replayed delivery) finds the TODO issue instead of opening it again", async () => {
    const payload = pushPayload({ commits: 1, message: "Parse dates\n\nTODO: accept RFC 2822 dates" });
    const first = await deliver("push", payload);
    await processDueDeliveries();
    const before = services.github.createdIssues.length;
    const second = await deliver("push", payload);
    await processDueDeliveries();
    expect(services.github.createdIssues.length).toBe(before);
    const [firstRun, secondRun] = await Promise.all(
      [first, second].map(async (id) => {
        const [delivery] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
        expect(delivery!.status).toBe("processed");
        return (await getWorkflowRun(user.workspaceId, delivery!.workflowRunId!))!;
      }),
    );
    const issue = services.github.createdIssues.at(-1)!;
    expect(issue.title).toBe("TODO: accept RFC 2822 dates" + ` (${issue.body!.match(/patchbay:todo ([0-9a-f]{7})/)![1]})`);
    const link = { number: issue.number, url: `https://github.com/octocat/hello-world/issues/${issue.number}` };
    expect(firstRun!.steps[1]!.output).toEqual({ opened: [link], existing: [] });
    expect(secondRun!.steps[1]!.output).toEqual({ opened: [], existing: [link] });
    // A different TODO in the same commit is a different issue.
    const third = await deliver("push", pushPayload({ commits: 1, message: "Parse dates\n\nTODO: accept ISO week dates" }));
    await processDueDeliveries();
    expect((await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, third)))[0]!.status).toBe("processed");
    expect(services.github.createdIssues.length).toBe(before + 1);
  });

  it("marks each TODO issue with its commit: the short sha in the title, the full sha and a hash of the text hidden in the body", () => {
    const todo = { commitId: "0123456789abcdef0123456789abcdef01234567", text: "cap the retry budget" };
    expect(todoTitle(todo)).toBe("TODO: cap the retry budget (0123456)");
    expect(todoMarker(todo)).toMatch(/^<!-- patchbay:todo 0123456789abcdef0123456789abcdef01234567 [0-9a-f]{12} -->$/);
    expect(todoMarker(todo)).not.toBe(todoMarker({ ...todo, text: "something else" }));
  });

  it("a pull_request runs triage-pull-request, which labels it by the changed paths", async () => {
    const id = await deliver("pull_request", JSON.stringify({ action: "opened", number: 7, repository: { full_name: "octocat/hello-world" } }));
    await processDueDeliveries();
    const delivery = (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
    expect(delivery.status).toBe("processed");
    expect(services.github.labelsAdded.at(-1)).toEqual({ owner: "octocat", repo: "hello-world", number: 7, labels: ["ci", "code", "documentation", "tests"] });
  });

  it("a failing workflow fails the attempt (so it is retried) and still links the run", async () => {
    const id = await deliver("pull_request", JSON.stringify({ action: "opened", number: 999, repository: { full_name: "octocat/hello-world" } }));
    await processDueDeliveries();
    const delivery = (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
    expect(delivery).toMatchObject({ status: "retrying", attempts: 1 });
    expect(delivery.lastError).toMatch(/GitHub: [A-Z]+ \/\S+ answered 404/);
    expect(delivery.workflowRunId).toBeTruthy();
  });

  it("labels by path rules", () => {
    expect(labelsFor(["README.md", "package-lock.json", "lib/x.ts", "e2e/a.spec.ts"])).toEqual(["code", "dependencies", "documentation", "tests"]);
    expect(labelsFor(["assets/logo.png"])).toEqual([]);
  });
});

describe("run history", () => {
  it("keeps finished runs in Patchbay's tables and drops Mastra's in-memory snapshot of them", async () => {
    const started = await startWorkflowRun(
      user,
      "process-github-push",
      { repository: "octocat/hello-world", ref: "refs/heads/main", commits: [{ id: "b".repeat(40), message: "Docs" }] },
      { trigger: "manual" },
    );
    const store = await mastra().getStorage()?.getStore("workflows");
    expect(await store!.loadWorkflowSnapshot({ workflowName: "process-github-push", runId: started.runId })).toBeTruthy();
    expect(await started.finished).toMatchObject({ id: started.runId, status: "success" });
    expect(await store!.loadWorkflowSnapshot({ workflowName: "process-github-push", runId: started.runId })).toBeFalsy();
    expect((await getWorkflowRun(user.workspaceId, started.runId))!.steps.map((step) => step.status)).toEqual(["success", "success"]);
  });

  it("name this process as the runner of a run, and mark failed the runs a stopped process left running", async () => {
    const started = await startWorkflowRun(user, "process-github-push", { repository: "octocat/hello-world", ref: "refs/heads/main", commits: [] });
    expect(await started.finished).toMatchObject({ status: "success", runnerInstance: instanceId() });
    const values = {
      userId: user.id,
      workspaceId: user.workspaceId,
      workflowId: "project-setup",
      trigger: "manual" as const,
      input: {},
      status: "running" as const,
      startedAt: Date.now(),
    };
    await db()
      .insert(workflowRuns)
      .values({ ...values, id: "interrupted-run", runnerInstance: "a-stopped-process" });
    await db()
      .insert(workflowRuns)
      .values({ ...values, id: "run-from-before-runners", runnerInstance: null });
    await db()
      .insert(workflowRuns)
      .values({ ...values, id: "run-of-this-process", runnerInstance: instanceId() });
    expect((await failInterruptedRuns()).workflowRuns).toBe(2);
    expect((await getWorkflowRun(user.workspaceId, "interrupted-run"))!.run).toMatchObject({
      status: "failed",
      error: INTERRUPTED,
      finishedAt: expect.any(Number),
    });
    expect((await getWorkflowRun(user.workspaceId, "run-from-before-runners"))!.run).toMatchObject({ status: "failed", error: INTERRUPTED });
    expect((await getWorkflowRun(user.workspaceId, "run-of-this-process"))!.run).toMatchObject({ status: "running", error: null });
    await db().update(workflowRuns).set({ status: "success" }).where(eq(workflowRuns.id, "run-of-this-process"));
  });

  it("never writes a token or key to the database", async () => {
    const raw = await storedText();
    expect(raw).toContain("create-slack-channel"); // the scan sees run history
    for (const secret of [...services.github.issuedAccessTokens, SLACK_TOKEN, LINEAR_KEY]) expect(raw.includes(secret)).toBe(false);
  });
});
