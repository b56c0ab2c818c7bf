import "server-only";
import { createHash } from "node:crypto";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { ConnectionError } from "@/lib/connections";
import { githubErrorMessage, githubFor } from "@/lib/github";
import { userIdFrom } from "@/lib/tools";
import { workflowOptions } from "./options";

export const pushInput = z.object({
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/)
    .describe("owner/name"),
  ref: z.string().min(1).describe("The pushed ref, e.g. refs/heads/main"),
  pusher: z.string().optional().describe("Who pushed"),
  commits: z
    .array(z.object({ id: z.string(), message: z.string(), author: z.string().optional(), url: z.string().optional(), timestamp: z.string().optional() }))
    .max(2048)
    .describe("The pushed commits"),
});

/** Maps a GitHub push payload (webhook) to the workflow's input. */
export const pushFromPayload = z
  .object({
    ref: z.string(),
    repository: z.object({ full_name: z.string() }),
    pusher: z.object({ name: z.string() }).optional(),
    commits: z
      .array(
        z.object({
          id: z.string(),
          message: z.string(),
          url: z.string().optional(),
          timestamp: z.string().optional(),
          author: z.object({ name: z.string() }).optional(),
        }),
      )
      .default([]),
  })
  .transform((payload) => ({
    repository: payload.repository.full_name,
    ref: payload.ref,
    pusher: payload.pusher?.name,
    commits: payload.commits.map((commit) => ({
      id: commit.id,
      message: commit.message,
      author: commit.author?.name,
      url: commit.url,
      timestamp: commit.timestamp,
    })),
  }));

const TODO = /^\s*TODO:\s*(.+)$/im;

const summary = z.object({
  repository: z.string(),
  branch: z.string(),
  commitCount: z.number(),
  authors: z.array(z.string()),
  todos: z.array(z.object({ commitId: z.string(), text: z.string(), url: z.string().optional() })),
  /** The oldest commit time: issues opened for these commits were updated after it. */
  since: z.string().optional(),
});

type Todo = z.infer<typeof summary>["todos"][number];

/**
 * Which commit and TODO an issue was opened for, hidden in its body, so that a second run for the
 * same push (a retried or replayed delivery) finds the issue instead of opening it again.
 */
export function todoMarker(todo: Pick<Todo, "commitId" | "text">): string {
  return `<!-- patchbay:todo ${todo.commitId} ${createHash("sha256").update(todo.text).digest("hex").slice(0, 12)} -->`;
}

/** The issue title: the TODO text and the short commit sha, for people and as a second way to recognise the issue. */
export function todoTitle(todo: Pick<Todo, "commitId" | "text">): string {
  return `TODO: ${todo.text} (${todo.commitId.slice(0, 7)})`;
}

const recordPush = createStep({
  id: "record-push",
  description: "Record the branch, the commits and any TODO: lines",
  inputSchema: pushInput,
  outputSchema: summary,
  execute: async ({ inputData }) => ({
    repository: inputData.repository,
    branch: inputData.ref.replace(/^refs\/(heads|tags)\//, ""),
    commitCount: inputData.commits.length,
    authors: [...new Set(inputData.commits.map((commit) => commit.author).filter((author): author is string => Boolean(author)))],
    todos: inputData.commits.flatMap((commit) => {
      const match = TODO.exec(commit.message);
      return match ? [{ commitId: commit.id, text: match[1]!.trim().slice(0, 200), url: commit.url }] : [];
    }),
    since: inputData.commits.every((commit) => commit.timestamp && !Number.isNaN(Date.parse(commit.timestamp)))
      ? inputData.commits
          .map((commit) => new Date(commit.timestamp!))
          .sort((a, b) => a.getTime() - b.getTime())[0]
          ?.toISOString()
      : undefined,
  }),
});

const issueLink = z.object({ number: z.number(), url: z.string() });

const openTodoIssues = createStep({
  id: "open-todo-issues",
  description: "Open a GitHub issue for each commit message with a TODO: line, unless one is already open for it",
  inputSchema: summary,
  outputSchema: z.object({ opened: z.array(issueLink), existing: z.array(issueLink), skipped: z.string().optional() }),
  execute: async ({ inputData, requestContext }) => {
    if (inputData.todos.length === 0) return { opened: [], existing: [], skipped: "No TODO: lines in these commits." };
    let github;
    try {
      github = await githubFor(userIdFrom(requestContext));
    } catch (error) {
      if (error instanceof ConnectionError) return { opened: [], existing: [], skipped: `${error.message} Then TODO: commits become issues.` };
      throw error;
    }
    const [owner, repo] = inputData.repository.split("/") as [string, string];
    // Issues this workflow opened before (label todo, open or closed, touched since the commits
    // were made), so that running it again for the same push opens nothing twice.
    let known: { number: number; html_url: string; title: string; body?: string | null }[];
    try {
      const issues = await github.paginate(github.issues.listForRepo, { owner, repo, labels: "todo", state: "all", since: inputData.since, per_page: 100 });
      known = issues.filter((issue) => !issue.pull_request);
    } catch (error) {
      throw new Error(githubErrorMessage(error));
    }
    const opened = [];
    const existing = [];
    for (const todo of inputData.todos) {
      const marker = todoMarker(todo);
      const title = todoTitle(todo);
      const found = known.find((issue) => issue.body?.includes(marker) || issue.title === title);
      if (found) {
        existing.push({ number: found.number, url: found.html_url });
        continue;
      }
      try {
        const { data } = await github.issues.create({
          owner,
          repo,
          title,
          body: `Opened by Patchbay from commit ${todo.commitId.slice(0, 7)} on ${inputData.branch}${todo.url ? ` (${todo.url})` : ""}.\n\n${marker}`,
          labels: ["todo"],
        });
        opened.push({ number: data.number, url: data.html_url });
      } catch (error) {
        throw new Error(githubErrorMessage(error));
      }
    }
    return { opened, existing };
  },
});

/** Triggered by GitHub push webhooks: records what was pushed and turns TODO: commit lines into issues. */
export const processGitHubPush = createWorkflow({
  id: "process-github-push",
  description: "Record a push (branch, commits, authors) and open an issue for every commit message with a TODO: line.",
  inputSchema: pushInput,
  outputSchema: openTodoIssues.outputSchema,
  options: workflowOptions,
})
  .then(recordPush)
  .then(openTodoIssues)
  .commit();

export const processGitHubPushSteps = [recordPush.id, openTodoIssues.id];
