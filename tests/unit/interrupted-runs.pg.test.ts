import { eq } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db, usingPostgres } from "@/db/client";
import { instanceId, instanceLockName, liveInstanceId, stoppedInstances } from "@/db/instance";
import { startNoticeRelay } from "@/db/notifications";
import { agentToolCalls, toolRuns, workflowRuns, workflowRunSteps } from "@/db/schema";
import { claimPendingCall, createConversation, findToolCall, recordToolCall } from "@/lib/agent/conversations";
import { failInterruptedRuns, INTERRUPTED } from "@/lib/runs/interrupted-runs";
import { runEvents, type RunEvent } from "@/lib/runs/run-events";
import { runTool } from "@/lib/runs/tool-runs";
import { createUser, type TestUser } from "../support/helpers";
import { startWorker } from "../support/worker-process";

let user: TestUser;
let conversationId: string;

beforeAll(async () => {
  user = await createUser("interrupted");
  conversationId = (await createConversation(user, "Open an issue")).id;
});

/** A workflow run left running by `owner`: its first step running, its second not reached. */
async function runningWorkflow(id: string, owner: string | null): Promise<void> {
  await db().insert(workflowRuns).values({
    id,
    userId: user.id,
    workspaceId: user.workspaceId,
    workflowId: "project-setup",
    trigger: "manual",
    input: {},
    status: "running",
    startedAt: Date.now(),
    runnerInstance: owner,
  });
  await db().insert(workflowRunSteps).values({ runId: id, stepId: "create-repository", position: 0, status: "running", startedAt: Date.now() });
  await db().insert(workflowRunSteps).values({ runId: id, stepId: "create-linear-project", position: 1, status: "pending" });
}

async function runningTool(owner: string | null): Promise<string> {
  const [row] = await db()
    .insert(toolRuns)
    .values({
      userId: user.id,
      workspaceId: user.workspaceId,
      toolId: "github-get-repo",
      input: {},
      status: "running",
      startedAt: Date.now(),
      runnerInstance: owner,
    })
    .returning();
  return row!.id;
}

async function runningCall(toolCallId: string, owner: string | null): Promise<void> {
  await db().insert(agentToolCalls).values({
    conversationId,
    toolCallId,
    toolId: "github-get-repo",
    toolName: "github_get_repo",
    input: {},
    writes: false,
    status: "running",
    runnerInstance: owner,
  });
}

const workflowStatus = async (id: string) => (await db().select().from(workflowRuns).where(eq(workflowRuns.id, id)))[0];
const toolStatus = async (id: string) => (await db().select().from(toolRuns).where(eq(toolRuns.id, id)))[0];
const stepsOf = async (id: string) =>
  (await db().select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, id))).sort((a, b) => a.position - b.position);

describe("the runner of a run", () => {
  it("is this process, recorded on what it starts and on the agent calls it runs", async () => {
    // Not connected to GitHub: the run fails at once, having named its runner.
    const run = await runTool(user, "github-get-repo", { owner: "octocat", repo: "hello-world" });
    expect(run).toMatchObject({ status: "failed", runnerInstance: instanceId() });
    expect(
      await recordToolCall({
        conversationId,
        toolCallId: "read",
        toolId: "github-get-repo",
        toolName: "github_get_repo",
        input: {},
        writes: false,
        status: "running",
      }),
    ).toMatchObject({
      runnerInstance: instanceId(),
    });
    // A call waiting for the person's approval has no runner until it is approved.
    expect(
      await recordToolCall({
        conversationId,
        toolCallId: "write",
        toolId: "github-create-issue",
        toolName: "github_create_issue",
        input: {},
        writes: true,
        status: "pending_approval",
      }),
    ).toMatchObject({
      runnerInstance: null,
    });
    expect(await claimPendingCall(conversationId, "write", "running")).toMatchObject({ status: "running", runnerInstance: instanceId() });
    await db().update(agentToolCalls).set({ status: "succeeded" }).where(eq(agentToolCalls.conversationId, conversationId));
  });

  it("is alive when it is this process, stopped when it is unknown or was never recorded", async () => {
    const me = await liveInstanceId();
    expect(me).toBe(instanceId());
    expect(await stoppedInstances([me, "never-started", null, "never-started"])).toEqual(["never-started", null]);
  });
});

describe("the interrupted-runs sweep", () => {
  it("fails what stopped processes left running, says why, and leaves this process's own runs alone", async () => {
    const me = await liveInstanceId();
    await runningWorkflow("stopped-workflow", "stopped-process");
    await runningWorkflow("workflow-from-before-runners", null);
    await runningWorkflow("my-workflow", me);
    const stoppedTool = await runningTool("stopped-process");
    const myTool = await runningTool(me);
    await runningCall("stopped-call", "stopped-process");
    await runningCall("my-call", me);
    const heard: RunEvent[] = [];
    const listener = (event: RunEvent) => heard.push(event);
    runEvents.on("run", listener);
    try {
      await startNoticeRelay();
      expect(await failInterruptedRuns()).toEqual({ workflowRuns: 2, toolRuns: 1, toolCalls: 1 });
      // Open run pages hear it (on PostgreSQL through LISTEN/NOTIFY, so a moment later).
      await vi.waitFor(() => expect(heard).toContainEqual({ workspaceId: user.workspaceId, runId: "stopped-workflow", status: "failed" }), { timeout: 5000 });
      expect(heard).toContainEqual({ workspaceId: user.workspaceId, runId: "workflow-from-before-runners", status: "failed" });
    } finally {
      runEvents.off("run", listener);
    }

    expect(await workflowStatus("stopped-workflow")).toMatchObject({ status: "failed", error: INTERRUPTED, finishedAt: expect.any(Number) });
    expect((await stepsOf("stopped-workflow")).map((step) => [step.status, step.error])).toEqual([
      ["failed", INTERRUPTED],
      ["skipped", null],
    ]);
    expect(await workflowStatus("workflow-from-before-runners")).toMatchObject({ status: "failed", error: INTERRUPTED });
    expect(await toolStatus(stoppedTool)).toMatchObject({ status: "failed", error: INTERRUPTED });
    // The model reads the call's output as its result at the next turn.
    expect(await findToolCall(conversationId, "stopped-call")).toMatchObject({ status: "failed", output: { success: false, error: INTERRUPTED } });

    expect(await workflowStatus("my-workflow")).toMatchObject({ status: "running", error: null });
    expect((await stepsOf("my-workflow")).map((step) => step.status)).toEqual(["running", "pending"]);
    expect(await toolStatus(myTool)).toMatchObject({ status: "running" });
    expect(await findToolCall(conversationId, "my-call")).toMatchObject({ status: "running" });
    // A second sweep finds nothing more to do.
    expect(await failInterruptedRuns()).toEqual({ workflowRuns: 0, toolRuns: 0, toolCalls: 0 });
  });

  it.runIf(usingPostgres())("leaves another live process's runs alone, and fails them once its connection is gone", async () => {
    // Another Patchbay process, as far as the database can tell: a session holding that instance's lock.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    let connected = true;
    try {
      await other.query("select pg_advisory_lock(hashtextextended($1, 0))", [instanceLockName("live-process")]);
      await runningWorkflow("live-workflow", "live-process");
      const liveTool = await runningTool("live-process");
      await runningCall("live-call", "live-process");

      expect(await stoppedInstances(["live-process"])).toEqual([]);
      await failInterruptedRuns();
      expect(await workflowStatus("live-workflow")).toMatchObject({ status: "running" });
      expect(await toolStatus(liveTool)).toMatchObject({ status: "running" });
      expect(await findToolCall(conversationId, "live-call")).toMatchObject({ status: "running" });
      // The sweep only tried the lock: the other process still holds it.
      const [held] = (await other.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted")).rows;
      expect(held).toEqual({ n: 1 });

      // The process dies: its connection closes, and the server lets its lock go.
      await other.end();
      connected = false;
      await vi.waitFor(async () => expect(await stoppedInstances(["live-process"])).toEqual(["live-process"]), { timeout: 10_000, interval: 100 });
      expect(await failInterruptedRuns()).toEqual({ workflowRuns: 1, toolRuns: 1, toolCalls: 1 });
      expect(await workflowStatus("live-workflow")).toMatchObject({ status: "failed", error: INTERRUPTED });
      expect(await toolStatus(liveTool)).toMatchObject({ status: "failed", error: INTERRUPTED });
      expect(await findToolCall(conversationId, "live-call")).toMatchObject({ status: "failed" });
    } finally {
      if (connected) await other.end();
    }
  });

  it.runIf(usingPostgres())(
    "fails the run of a Patchbay process killed in the middle of it, and not before",
    async () => {
      const worker = await startWorker("tests/support/runner-worker.ts", [user.id, user.workspaceId, "killed-workflow"], "runner worker ready");
      try {
        await failInterruptedRuns();
        expect(await workflowStatus("killed-workflow")).toMatchObject({ status: "running", runnerInstance: expect.any(String) });
      } finally {
        await worker.kill("SIGKILL");
      }
      await vi.waitFor(async () => expect((await failInterruptedRuns()).workflowRuns).toBe(1), { timeout: 10_000, interval: 100 });
      expect(await workflowStatus("killed-workflow")).toMatchObject({ status: "failed", error: INTERRUPTED });
    },
    60_000,
  );
});
