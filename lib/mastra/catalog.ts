import "server-only";
import { z } from "zod";
import { readiness } from "@/lib/connections/credentials";
import { listConnectionsFor } from "@/lib/connections/store";
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

/** The accounts a person can pick between for one provider when running a tool. */
export type AccountChoice = { providerId: string; providerName: string; accounts: { id: string; label: string; status: string }[] };

/** For each provider a tool acts through, this user's OAuth accounts (the first is the default). */
export function toolAccountChoices(userId: string, toolId: string): AccountChoice[] {
  const entry = findUserTool(userId, toolId);
  const providerIds = entry ? (entry.providerId ? [entry.providerId] : (entry.anyOf ?? [])) : [];
  return providerIds.flatMap((providerId) => {
    const accounts = listConnectionsFor(userId, providerId, "oauth2").map((connection) => ({ id: connection.id, label: connection.accountLabel ?? connection.accountId, status: connection.status }));
    return accounts.length > 0 ? [{ providerId, providerName: getProvider(providerId)?.name ?? providerId, accounts }] : [];
  });
}

/** The JSON Schema a form is generated from: what the tool's input schema accepts. */
export function toolFormSchema(userId: string, toolId: string): object | undefined {
  const entry = findUserTool(userId, toolId);
  return entry && (entry.formSchema ?? z.toJSONSchema(toolInputSchema(entry), { io: "input", unrepresentable: "any" }));
}

/** The services a workflow acts on that this user has not connected (or must reconnect), with what to do. */
export function workflowMissingServices(userId: string, workflowId: string): { providerId: string; reason: string }[] {
  return (findWorkflow(workflowId)?.providers ?? []).flatMap((providerId) => {
    const state = readiness(userId, providerId);
    return state.ready ? [] : [{ providerId, reason: state.reason }];
  });
}

export function workflowFormSchema(workflowId: string): object | undefined {
  const entry = findWorkflow(workflowId);
  return entry && z.toJSONSchema(entry.inputSchema, { io: "input", unrepresentable: "any" });
}

export { workflowCatalog };
