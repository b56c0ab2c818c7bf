import "server-only";
import { z } from "zod";
import { githubTools } from "./github/tools";
import { apiCall } from "./http/api-call";
import { linearCreateProject } from "./linear/create-project";
import { getWeather } from "./openweather/get-weather";
import { findImportedTool } from "./openapi/imported-tool";
import { multiServiceSearch } from "./search/multi-service-search";
import { slackCreateChannel, slackPostMessage } from "./slack/tools";
import type { ToolAccess } from "./access";
import type { AnyTool, CatalogTool } from "./catalog-tool";

export type { ToolAccess } from "./access";

export type { AnyTool, CatalogTool } from "./catalog-tool";

const githubAccess: Record<keyof typeof githubTools, ToolAccess> = {
  "github-create-issue": "write",
  "github-list-user-repos": "read",
  "github-get-repo": "read",
  "github-list-issues": "read",
};

/** The one list of built-in tools: the runner, the catalog, workflows, the agent and MCP all read it. */
export const builtInTools: CatalogTool[] = [
  ...Object.values(githubTools).map((tool) => ({ tool: tool as AnyTool, providerId: "github", group: "GitHub", access: githubAccess[tool.id] })),
  { tool: getWeather as AnyTool, providerId: "openweather", group: "OpenWeather", access: "read" },
  { tool: slackPostMessage as AnyTool, providerId: "slack", group: "Slack", access: "write" },
  { tool: slackCreateChannel as AnyTool, providerId: "slack", group: "Slack", access: "write" },
  { tool: linearCreateProject as AnyTool, providerId: "linear", group: "Linear", access: "write" },
  { tool: multiServiceSearch as AnyTool, anyOf: ["github", "linear", "notion"], group: "Search", access: "read" },
  { tool: apiCall as AnyTool, group: "HTTP", access: { methodField: "method" }, destinationField: "endpoint" },
];

export function findTool(id: string): CatalogTool | undefined {
  return builtInTools.find((entry) => entry.tool.id === id);
}

/** A tool people in this workspace can run: a built-in one, or one of the operations imported into it. */
export async function findUserTool(workspaceId: string, id: string): Promise<CatalogTool | undefined> {
  return findTool(id) ?? (await findImportedTool(workspaceId, id));
}

/** Every built-in tool is declared with a zod object schema; the runner validates and builds forms from it. */
export function toolInputSchema(entry: CatalogTool): z.ZodType {
  return (entry.tool.inputSchema as unknown as z.ZodType | undefined) ?? z.object({});
}
