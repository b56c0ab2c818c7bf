import "server-only";
import { Mastra } from "@mastra/core/mastra";
import type { z } from "zod";
import { processGitHubPush, processGitHubPushSteps, pushFromPayload, pushInput } from "./workflows/process-github-push";
import { projectSetup, projectSetupInput, projectSetupSteps } from "./workflows/project-setup";
import { pullRequestFromPayload, pullRequestInput, triagePullRequest, triagePullRequestSteps } from "./workflows/triage-pull-request";
import { processState } from "@/lib/platform";
import { traceSteps } from "./traced-step";

/** A workflow in the catalog: its steps in order, its input schema, and how a webhook payload becomes its input. */
export type CatalogWorkflow = {
  id: string;
  name: string;
  description: string;
  steps: string[];
  /** The services its steps always act on: a run does not start until the person can use each (lib/runs/workflow-readiness.ts). */
  providers: string[];
  inputSchema: z.ZodType;
  fromWebhookPayload?: z.ZodType;
};

export const workflowCatalog: CatalogWorkflow[] = [
  {
    id: projectSetup.id,
    name: "Project setup",
    description: projectSetup.description ?? "",
    steps: projectSetupSteps,
    providers: ["github", "linear", "slack"],
    inputSchema: projectSetupInput,
  },
  {
    id: processGitHubPush.id,
    name: "Process a GitHub push",
    description: processGitHubPush.description ?? "",
    steps: processGitHubPushSteps,
    // GitHub only when a commit says TODO: (an issue is opened); a push without one is recorded
    // with no service at all, so GitHub is not required to start.
    providers: [],
    inputSchema: pushInput,
    fromWebhookPayload: pushFromPayload,
  },
  {
    id: triagePullRequest.id,
    name: "Triage a pull request",
    description: triagePullRequest.description ?? "",
    steps: triagePullRequestSteps,
    providers: ["github"],
    inputSchema: pullRequestInput,
    fromWebhookPayload: pullRequestFromPayload,
  },
];

export function findWorkflow(id: string): CatalogWorkflow | undefined {
  return workflowCatalog.find((workflow) => workflow.id === id);
}

/**
 * The Mastra instance, one per process. A run's in-flight state is Mastra's default in-memory
 * store, held by the process executing it; everything needed after that lives in Patchbay's own
 * tables (the database every process shares): runs and each step's input and output as it
 * finishes, which a re-run from the failed step is rebuilt from (time travel, in any process), and
 * the agent's pending approvals. So no Mastra storage (@mastra/pg) is configured.
 */
export function mastra(): Mastra {
  return processState(
    "Mastra",
    () =>
      new Mastra({
        // Each step gets a span per execution when tracing is on (lib/platform/tracing.ts).
        workflows: {
          [projectSetup.id]: traceSteps(projectSetup),
          [processGitHubPush.id]: traceSteps(processGitHubPush),
          [triagePullRequest.id]: traceSteps(triagePullRequest),
        },
        logger: false,
      }),
  );
}
