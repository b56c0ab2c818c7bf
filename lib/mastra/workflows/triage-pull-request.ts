import "server-only";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { githubErrorMessage, githubFor } from "@/lib/github";
import { userIdFrom } from "@/lib/tools";
import { workflowOptions } from "./options";

export const pullRequestInput = z.object({
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/)
    .describe("owner/name"),
  number: z.number().int().positive().describe("Pull request number"),
  action: z.string().default("opened").describe("The pull_request action (opened, synchronize, ...)"),
});

export const pullRequestFromPayload = z
  .object({ action: z.string(), number: z.number().int(), repository: z.object({ full_name: z.string() }) })
  .transform((payload) => ({ repository: payload.repository.full_name, number: payload.number, action: payload.action }));

/** Labels by changed paths, first match per file; data, so it is easy to read and change. */
export const pathLabels: { label: string; test: RegExp }[] = [
  { label: "ci", test: /^\.github\// },
  { label: "documentation", test: /(^docs\/|\.mdx?$)/i },
  { label: "tests", test: /(^|\/)(tests?|__tests__|e2e)\/|\.(test|spec)\.[jt]sx?$/ },
  { label: "dependencies", test: /(^|\/)(package(-lock)?\.json|pnpm-lock\.yaml|yarn\.lock)$/ },
  { label: "code", test: /^(src|lib|app)\// },
];

export function labelsFor(files: string[]): string[] {
  const labels = new Set<string>();
  for (const file of files) {
    const rule = pathLabels.find((candidate) => candidate.test.test(file));
    if (rule) labels.add(rule.label);
  }
  return [...labels].sort();
}

const LABELLED_ACTIONS = new Set(["opened", "reopened", "synchronize", "ready_for_review"]);

const listFiles = createStep({
  id: "list-changed-files",
  description: "List the files the pull request changes",
  inputSchema: pullRequestInput,
  outputSchema: pullRequestInput.extend({ files: z.array(z.string()) }),
  execute: async ({ inputData, requestContext }) => {
    const github = await githubFor(userIdFrom(requestContext));
    const [owner, repo] = inputData.repository.split("/") as [string, string];
    try {
      const files = await github.paginate(github.pulls.listFiles, { owner, repo, pull_number: inputData.number, per_page: 100 });
      return { ...inputData, files: files.map((file) => file.filename) };
    } catch (error) {
      throw new Error(githubErrorMessage(error));
    }
  },
});

const applyLabels = createStep({
  id: "apply-labels",
  description: "Label the pull request by the paths it changes",
  inputSchema: listFiles.outputSchema,
  outputSchema: z.object({ labels: z.array(z.string()), applied: z.boolean(), reason: z.string().optional() }),
  execute: async ({ inputData, requestContext }) => {
    const labels = labelsFor(inputData.files);
    if (!LABELLED_ACTIONS.has(inputData.action)) return { labels, applied: false, reason: `Nothing to do for action "${inputData.action}".` };
    if (labels.length === 0) return { labels, applied: false, reason: "No path rule matched." };
    const github = await githubFor(userIdFrom(requestContext));
    const [owner, repo] = inputData.repository.split("/") as [string, string];
    try {
      await github.issues.addLabels({ owner, repo, issue_number: inputData.number, labels });
    } catch (error) {
      throw new Error(githubErrorMessage(error));
    }
    return { labels, applied: true };
  },
});

/** Triggered by pull_request webhooks: labels the pull request by the paths it changes. */
export const triagePullRequest = createWorkflow({
  id: "triage-pull-request",
  description: "Label a pull request by the paths it changes (docs, ci, tests, dependencies, code).",
  inputSchema: pullRequestInput,
  outputSchema: applyLabels.outputSchema,
  options: workflowOptions,
})
  .then(listFiles)
  .then(applyLabels)
  .commit();

export const triagePullRequestSteps = [listFiles.id, applyLabels.id];
