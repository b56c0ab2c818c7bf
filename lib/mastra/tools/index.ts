import "server-only";
import type { Tool } from "@mastra/core/tools";
import { z } from "zod";
import { githubTools } from "./github/tools";
import { apiCall } from "./http/api-call";
import { linearCreateProject } from "./linear/create-project";
import { getWeather } from "./openweather/get-weather";
import { findImportedTool } from "./openapi/imported-tool";
import { multiServiceSearch } from "./search/multi-service-search";
import { slackCreateChannel, slackPostMessage } from "./slack/tools";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools have different input and output types
export type AnyTool = Tool<any, any, any, any, any, any>;

/**
 * A tool in the catalog: the provider whose connection it needs (none for api-call), or for a tool
 * that degrades gracefully the providers of which any one will do, and for imported OpenAPI
 * operations the JSON Schema their form is built from. `secretFields` are dotted input paths that
 * carry secrets: run history stores them redacted (besides any field named like a credential).
 */
export type CatalogTool = { tool: AnyTool; providerId?: string; anyOf?: string[]; group: string; formSchema?: object; secretFields?: string[] };

/** The one list of built-in tools: the runner, the catalog and workflows all read it. */
export const builtInTools: CatalogTool[] = [
  ...Object.values(githubTools).map((tool) => ({ tool: tool as AnyTool, providerId: "github", group: "GitHub" })),
  { tool: getWeather as AnyTool, providerId: "openweather", group: "OpenWeather" },
  { tool: slackPostMessage as AnyTool, providerId: "slack", group: "Slack" },
  { tool: slackCreateChannel as AnyTool, providerId: "slack", group: "Slack" },
  { tool: linearCreateProject as AnyTool, providerId: "linear", group: "Linear" },
  { tool: multiServiceSearch as AnyTool, anyOf: ["github", "linear", "notion"], group: "Search" },
  { tool: apiCall as AnyTool, group: "HTTP" },
];

export function findTool(id: string): CatalogTool | undefined {
  return builtInTools.find((entry) => entry.tool.id === id);
}

/** A tool this user can run: a built-in one, or one of the operations they imported. */
export function findUserTool(userId: string, id: string): CatalogTool | undefined {
  return findTool(id) ?? findImportedTool(userId, id);
}

/** Every built-in tool is declared with a zod object schema; the runner validates and builds forms from it. */
export function toolInputSchema(entry: CatalogTool): z.ZodType {
  return (entry.tool.inputSchema as unknown as z.ZodType | undefined) ?? z.object({});
}
