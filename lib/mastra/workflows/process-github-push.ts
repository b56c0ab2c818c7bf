import "server-only";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { ConnectionError } from "@/lib/connections/errors";
import { githubErrorMessage, githubFor } from "@/lib/github/client";
import { userIdFrom } from "../context";
import { workflowOptions } from "./options";

export const pushInput = z.object({
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/).describe("owner/name"),
  ref: z.string().min(1).describe("The pushed ref, e.g. refs/heads/main"),
  pusher: z.string().optional().describe("Who pushed"),
  commits: z
    .array(z.object({ id: z.string(), message: z.string(), author: z.string().optional(), url: z.string().optional() }))
    .max(2048)
    .describe("The pushed commits"),
});

/** Maps a GitHub push payload (webhook) to the workflow's input. */
export const pushFromPayload = z
  .object({
    ref: z.string(),
    repository: z.object({ full_name: z.string() }),
    pusher: z.object({ name: z.string() }).optional(),
    commits: z.array(z.object({ id: z.string(), message: z.string(), url: z.string().optional(), author: z.object({ name: z.string() }).optional() })).default([]),
  })
  .transform((payload) => ({
    repository: payload.repository.full_name,
    ref: payload.ref,
    pusher: payload.pusher?.name,
    commits: payload.commits.map((commit) => ({ id: commit.id, message: commit.message, author: commit.author?.name, url: commit.url })),
  }));

const TODO = /^\s*TODO:\s*(.+)$/im;

const summary = z.object({
  repository: z.string(),
  branch: z.string(),
  commitCount: z.number(),
  authors: z.array(z.string()),
  todos: z.array(z.object({ commitId: z.string(), text: z.string(), url: z.string().optional() })),
});

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
  }),
});

const openTodoIssues = createStep({
  id: "open-todo-issues",
  description: "Open a GitHub issue for each commit message with a TODO: line",
  inputSchema: summary,
  outputSchema: z.object({ opened: z.array(z.object({ number: z.number(), url: z.string() })), skipped: z.string().optional() }),
  execute: async ({ inputData, requestContext }) => {
    if (inputData.todos.length === 0) return { opened: [], skipped: "No TODO: lines in these commits." };
    let github;
    try {
      github = await githubFor(userIdFrom(requestContext));
    } catch (error) {
      if (error instanceof ConnectionError) return { opened: [], skipped: `${error.message} Then TODO: commits become issues.` };
      throw error;
    }
    const [owner, repo] = inputData.repository.split("/") as [string, string];
    const opened = [];
    for (const todo of inputData.todos) {
      try {
        const { data } = await github.issues.create({
          owner,
          repo,
          title: `TODO: ${todo.text}`,
          body: `Opened by Patchbay from commit ${todo.commitId.slice(0, 7)} on ${inputData.branch}${todo.url ? ` (${todo.url})` : ""}.`,
          labels: ["todo"],
        });
        opened.push({ number: data.number, url: data.html_url });
      } catch (error) {
        throw new Error(githubErrorMessage(error));
      }
    }
    return { opened };
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
