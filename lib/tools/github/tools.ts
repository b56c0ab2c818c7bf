import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { githubFor } from "@/lib/github";
import { userIdFrom } from "../context";
import { failure } from "../result";

const owner = z.string().min(1).max(100).describe("Repository owner (user or organization)");
const repo = z.string().min(1).max(100).describe("Repository name");
const failed = z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() });

export const githubCreateIssue = createTool({
  id: "github-create-issue",
  description: "Create an issue in a GitHub repository, as you.",
  inputSchema: z.object({
    owner,
    repo,
    title: z.string().min(1).max(256).describe("Issue title"),
    body: z.string().max(65_536).optional().describe("Issue description (Markdown)"),
    labels: z.array(z.string().min(1)).optional().describe("Labels to add"),
    assignees: z.array(z.string().min(1)).optional().describe("Users to assign"),
  }),
  outputSchema: z.union([
    z.object({ success: z.literal(true), issue: z.object({ number: z.number(), url: z.string(), state: z.string(), createdAt: z.string() }) }),
    failed,
  ]),
  execute: async (input, context) => {
    try {
      const github = await githubFor(userIdFrom(context?.requestContext));
      const { data } = await github.issues.create({
        owner: input.owner,
        repo: input.repo,
        title: input.title,
        body: input.body,
        labels: input.labels,
        assignees: input.assignees,
      });
      return { success: true as const, issue: { number: data.number, url: data.html_url, state: data.state, createdAt: data.created_at } };
    } catch (error) {
      return failure(error);
    }
  },
});

export const githubListUserRepos = createTool({
  id: "github-list-user-repos",
  description: "List the repositories of the connected GitHub account.",
  inputSchema: z.object({
    visibility: z.enum(["all", "public", "private"]).default("all").describe("Which repositories to list"),
  }),
  outputSchema: z.union([
    z.object({ success: z.literal(true), repos: z.array(z.object({ name: z.string(), fullName: z.string(), url: z.string(), private: z.boolean() })) }),
    failed,
  ]),
  execute: async (input, context) => {
    try {
      const github = await githubFor(userIdFrom(context?.requestContext));
      const repos = await github.paginate(github.repos.listForAuthenticatedUser, { visibility: input.visibility, per_page: 100 });
      return { success: true as const, repos: repos.map((item) => ({ name: item.name, fullName: item.full_name, url: item.html_url, private: item.private })) };
    } catch (error) {
      return failure(error);
    }
  },
});

export const githubGetRepo = createTool({
  id: "github-get-repo",
  description: "Get a GitHub repository's details.",
  inputSchema: z.object({ owner, repo }),
  outputSchema: z.union([
    z.object({
      success: z.literal(true),
      repo: z.object({ fullName: z.string(), description: z.string().nullable(), url: z.string(), private: z.boolean(), defaultBranch: z.string() }),
    }),
    failed,
  ]),
  execute: async (input, context) => {
    try {
      const github = await githubFor(userIdFrom(context?.requestContext));
      const { data } = await github.repos.get({ owner: input.owner, repo: input.repo });
      return {
        success: true as const,
        repo: { fullName: data.full_name, description: data.description, url: data.html_url, private: data.private, defaultBranch: data.default_branch },
      };
    } catch (error) {
      return failure(error);
    }
  },
});

export const githubListIssues = createTool({
  id: "github-list-issues",
  description: "List issues of a GitHub repository.",
  inputSchema: z.object({
    owner,
    repo,
    state: z.enum(["open", "closed", "all"]).default("open").describe("Issue state"),
    limit: z.number().int().min(1).max(100).default(30).describe("At most this many issues"),
  }),
  outputSchema: z.union([
    z.object({ success: z.literal(true), issues: z.array(z.object({ number: z.number(), title: z.string(), state: z.string(), url: z.string() })) }),
    failed,
  ]),
  execute: async (input, context) => {
    try {
      const github = await githubFor(userIdFrom(context?.requestContext));
      const { data } = await github.issues.listForRepo({ owner: input.owner, repo: input.repo, state: input.state, per_page: input.limit });
      return { success: true as const, issues: data.map((issue) => ({ number: issue.number, title: issue.title, state: issue.state, url: issue.html_url })) };
    } catch (error) {
      return failure(error);
    }
  },
});

/** The GitHub toolset. */
export const githubTools = {
  [githubCreateIssue.id]: githubCreateIssue,
  [githubListUserRepos.id]: githubListUserRepos,
  [githubGetRepo.id]: githubGetRepo,
  [githubListIssues.id]: githubListIssues,
};
