import "server-only";
import { z } from "zod";
import { readiness } from "@/lib/connections/credentials";
import { getProvider } from "@/lib/providers";
import { findWorkflow, workflowCatalog } from "./index";
import { builtInTools, findTool, toolInputSchema } from "./tools";

export type ToolSummary = {
  id: string;
  description: string;
  group: string;
  providerId?: string;
  providerName?: string;
  ready: boolean;
  reason?: string;
};

/** The runner's catalog for one user: each tool, and whether its connection is ready. */
export function toolSummaries(userId: string): ToolSummary[] {
  return builtInTools.map((entry) => {
    const state = entry.providerId ? readiness(userId, entry.providerId) : ({ ready: true } as const);
    return {
      id: entry.tool.id,
      description: entry.tool.description ?? "",
      group: entry.group,
      providerId: entry.providerId,
      providerName: entry.providerId ? getProvider(entry.providerId)?.name : undefined,
      ready: state.ready,
      reason: state.ready ? undefined : state.reason,
    };
  });
}

export function toolSummary(userId: string, toolId: string): ToolSummary | undefined {
  return toolSummaries(userId).find((tool) => tool.id === toolId);
}

/** The JSON Schema a form is generated from: what the zod schema accepts as input. */
export function toolFormSchema(toolId: string): object | undefined {
  const entry = findTool(toolId);
  return entry && z.toJSONSchema(toolInputSchema(entry), { io: "input", unrepresentable: "any" });
}

export function workflowFormSchema(workflowId: string): object | undefined {
  const entry = findWorkflow(workflowId);
  return entry && z.toJSONSchema(entry.inputSchema, { io: "input", unrepresentable: "any" });
}

export { workflowCatalog };
