import { Mastra } from "@mastra/core/mastra";
import { RequestContext } from "@mastra/core/request-context";
import { createStep, createWorkflow, type WorkflowOptions } from "@mastra/core/workflows";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mastra } from "@/lib/mastra";
import { workflowOptions } from "@/lib/mastra/workflows/options";

/**
 * Mastra writes each run's snapshot (step results, and the request context unless pruneSnapshot
 * removes it) to its store: here the in-memory store it falls back to without configured storage,
 * the same code path a database store gets. A marker stands in for a secret that a step or a
 * tool might put into the request context.
 */
const MARKER = "marker-5f0c1d7e-would-be-secret";

function contextWithMarker(): RequestContext {
  const context = new RequestContext();
  context.set("userId", "user-snapshot-test");
  context.set("apiToken", MARKER);
  return context;
}

async function storedSnapshot(instance: Mastra, workflowName: string, runId: string): Promise<unknown> {
  const store = await instance.getStorage()?.getStore("workflows");
  expect(store, "Mastra has a workflows store").toBeDefined();
  const snapshot = await store!.loadWorkflowSnapshot({ workflowName, runId });
  expect(snapshot, "the run's snapshot was persisted").toBeTruthy();
  return snapshot;
}

/** The same one-step workflow, with or without Patchbay's options. */
function echoWorkflow(id: string, options?: WorkflowOptions) {
  const echo = createStep({
    id: "echo",
    inputSchema: z.object({ text: z.string() }),
    outputSchema: z.object({ text: z.string(), sawToken: z.boolean() }),
    execute: async ({ inputData, requestContext }) => ({ text: inputData.text, sawToken: requestContext.get("apiToken") === MARKER }),
  });
  return createWorkflow({ id, inputSchema: echo.inputSchema, outputSchema: echo.outputSchema, options }).then(echo).commit();
}

describe("stored workflow snapshots", () => {
  it("keep the request context without pruneSnapshot (so the check below can fail)", async () => {
    const instance = new Mastra({ workflows: { unpruned: echoWorkflow("unpruned") }, logger: false });
    const run = await instance.getWorkflow("unpruned").createRun();
    const result = await run.start({ inputData: { text: "hello" }, requestContext: contextWithMarker() });
    expect(result).toMatchObject({ status: "success", result: { text: "hello", sawToken: true } });
    expect(JSON.stringify(await storedSnapshot(instance, "unpruned", run.runId))).toContain(MARKER);
  });

  it("drop it with Patchbay's workflow options, while steps still see it", async () => {
    const instance = new Mastra({ workflows: { pruned: echoWorkflow("pruned", workflowOptions) }, logger: false });
    const run = await instance.getWorkflow("pruned").createRun();
    const result = await run.start({ inputData: { text: "hello" }, requestContext: contextWithMarker() });
    expect(result).toMatchObject({ status: "success", result: { text: "hello", sawToken: true } });
    const snapshot = JSON.stringify(await storedSnapshot(instance, "pruned", run.runId));
    expect(snapshot).toContain("hello"); // the snapshot holds the run's data...
    expect(snapshot).not.toContain(MARKER); // ...but not the request context
  });

  it("of Patchbay's own workflows hold no request-context value", async () => {
    const workflow = mastra().getWorkflow("process-github-push");
    const run = await workflow.createRun();
    const result = await run.start({
      inputData: { repository: "octocat/hello-world", ref: "refs/heads/main", commits: [{ id: "a".repeat(40), message: "Tidy the README" }] },
      requestContext: contextWithMarker(),
    });
    expect(result.status).toBe("success");
    const snapshot = JSON.stringify(await storedSnapshot(mastra(), "process-github-push", run.runId));
    expect(snapshot).toContain("Tidy the README");
    expect(snapshot).not.toContain(MARKER);
    expect(snapshot).not.toContain("user-snapshot-test");
  });

  it("every registered workflow uses Patchbay's pruneSnapshot", () => {
    const workflows = Object.values(mastra().listWorkflows());
    expect(workflows.length).toBeGreaterThanOrEqual(3);
    for (const workflow of workflows) expect(workflow.options.pruneSnapshot, workflow.id).toBe(workflowOptions.pruneSnapshot);
  });
});
