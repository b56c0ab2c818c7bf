import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { githubFor } from "@/lib/github";
import { userIdFrom } from "../context";
import { linearQuery } from "../linear/graphql";
import { callProvider } from "../provider-call";
import { failure } from "../result";

const services = ["github", "linear", "notion"] as const;
type Service = (typeof services)[number];
type Hit = { title: string; url: string; kind: string };

const searchers: Record<Service, (userId: string, query: string, limit: number) => Promise<Hit[]>> = {
  async github(userId, query, limit) {
    const github = await githubFor(userId);
    const { data } = await github.search.issuesAndPullRequests({ q: query, per_page: limit });
    return data.items.map((item) => ({ title: item.title, url: item.html_url, kind: item.pull_request ? "pull request" : "issue" }));
  },
  async linear(userId, query, limit) {
    const data = await linearQuery<{ searchIssues: { nodes: { identifier: string; title: string; url: string }[] } }>(
      userId,
      "query Search($term: String!, $first: Int) { searchIssues(term: $term, first: $first) { nodes { id identifier title url state { name } } } }",
      { term: query, first: limit },
    );
    return data.searchIssues.nodes.map((issue) => ({ title: `${issue.identifier} ${issue.title}`, url: issue.url, kind: "issue" }));
  },
  async notion(userId, query, limit) {
    const response = await callProvider(userId, "notion", {
      path: "/search",
      method: "POST",
      body: { query, page_size: limit },
      headers: { "content-type": "application/json" },
      idempotent: true,
    });
    if (response.status !== 200) throw new Error(`Notion answered HTTP ${response.status}`);
    const body = response.body as { results: { object: string; url: string; properties?: Record<string, { title?: { plain_text: string }[] }> }[] };
    return body.results.map((result) => ({
      title: Object.values(result.properties ?? {}).find((property) => property.title)?.title?.[0]?.plain_text ?? "(untitled)",
      url: result.url,
      kind: result.object,
    }));
  },
};

export const multiServiceSearch = createTool({
  id: "multi-service-search",
  description: "Search GitHub, Linear and Notion at once; a service that fails does not spoil the others.",
  inputSchema: z.object({
    query: z.string().min(1).max(256).describe("What to look for"),
    services: z.array(z.enum(services)).min(1).default(["github", "linear", "notion"]).describe("Which services to search"),
    limit: z.number().int().min(1).max(50).default(10).describe("Results per service"),
  }),
  outputSchema: z.union([
    z.object({
      success: z.boolean(),
      query: z.string(),
      results: z.array(z.object({ service: z.enum(services), hits: z.array(z.object({ title: z.string(), url: z.string(), kind: z.string() })) })),
      errors: z.array(z.object({ service: z.enum(services), error: z.string() })),
    }),
    z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() }),
  ]),
  execute: async (input, context) => {
    try {
      const userId = userIdFrom(context?.requestContext);
      const settled = await Promise.allSettled(input.services.map((service) => searchers[service](userId, input.query, input.limit)));
      const results: { service: Service; hits: Hit[] }[] = [];
      const errors: { service: Service; error: string }[] = [];
      settled.forEach((outcome, index) => {
        const service = input.services[index]!;
        if (outcome.status === "fulfilled") results.push({ service, hits: outcome.value });
        else errors.push({ service, error: failure(outcome.reason).error });
      });
      return { success: results.length > 0, query: input.query, results, errors };
    } catch (error) {
      return failure(error);
    }
  },
});
