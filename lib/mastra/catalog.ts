import "server-only";
import { z } from "zod";
import { getProvider } from "@/lib/providers";
import { findWorkflow, workflowCatalog } from "./index";
import { builtInTools, findUserTool, toolInputSchema, type CatalogTool } from "./tools";
import { toolReadiness } from "./tools/readiness";

export type ToolSummary = {
  id: string;
  description: string;
  group: string;
  providerId?: string;
  providerName?: string;
  ready: boolean;
  reason?: string;
};

function summarize(userId: string, entry: CatalogTool): ToolSummary {
  const state = toolReadiness(userId, entry);
  return {
    id: entry.tool.id,
    description: entry.tool.description ?? "",
    group: entry.group,
    providerId: entry.providerId,
    providerName: entry.providerId ? getProvider(entry.providerId)?.name : undefined,
    ready: state.ready,
    reason: state.ready ? undefined : state.reason,
  };
}

/** The runner's catalog of built-in tools for one user: each tool, and whether its connection is ready. */
export function toolSummaries(userId: string): ToolSummary[] {
  return builtInTools.map((entry) => summarize(userId, entry));
}

export function toolSummary(userId: string, toolId: string): ToolSummary | undefined {
  const entry = findUserTool(userId, toolId);
  return entry && summarize(userId, entry);
}

/** The JSON Schema a form is generated from: what the tool's input schema accepts. */
export function toolFormSchema(userId: string, toolId: string): object | undefined {
  const entry = findUserTool(userId, toolId);
  return entry && (entry.formSchema ?? z.toJSONSchema(toolInputSchema(entry), { io: "input", unrepresentable: "any" }));
}

export function workflowFormSchema(workflowId: string): object | undefined {
  const entry = findWorkflow(workflowId);
  return entry && z.toJSONSchema(entry.inputSchema, { io: "input", unrepresentable: "any" });
}

export { workflowCatalog };
