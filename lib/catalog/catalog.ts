import "server-only";
import { z } from "zod";
import { listConnectionsFor } from "@/lib/connections";
import type { Actor } from "@/lib/platform";
import { getProvider } from "@/lib/providers";
import { findWorkflow, workflowCatalog } from "@/lib/mastra";
import { missingServices, type MissingService } from "@/lib/runs";
import { builtInTools, type CatalogTool, findUserTool, toolInputSchema } from "@/lib/tools";
import { readyIn } from "./exposure";

export type ToolSummary = {
  id: string;
  description: string;
  group: string;
  providerId?: string;
  providerName?: string;
  ready: boolean;
  reason?: string;
};

async function summarize(actor: Actor, entry: CatalogTool): Promise<ToolSummary> {
  const state = await readyIn(actor, entry);
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
export async function toolSummaries(actor: Actor): Promise<ToolSummary[]> {
  const summaries: ToolSummary[] = [];
  for (const entry of builtInTools) summaries.push(await summarize(actor, entry));
  return summaries;
}

export async function toolSummary(actor: Actor, toolId: string): Promise<ToolSummary | undefined> {
  const entry = await findUserTool(actor.workspaceId, toolId);
  return entry && summarize(actor, entry);
}

/** The accounts a person can pick between for one provider when running a tool. */
export type AccountChoice = { providerId: string; providerName: string; accounts: { id: string; label: string; status: string }[] };

/** For each provider a tool acts through, this user's OAuth accounts (the first is the default). */
export async function toolAccountChoices(actor: Actor, toolId: string): Promise<AccountChoice[]> {
  const entry = await findUserTool(actor.workspaceId, toolId);
  const providerIds = entry ? (entry.providerId ? [entry.providerId] : (entry.anyOf ?? [])) : [];
  const choices: AccountChoice[] = [];
  for (const providerId of providerIds) {
    // OAuth accounts, then API keys (the person's own, the workspace's shared one).
    const connections = [
      ...(await listConnectionsFor(actor.userId, providerId, "oauth2", actor.workspaceId)),
      ...(await listConnectionsFor(actor.userId, providerId, "api_key", actor.workspaceId)),
    ];
    const accounts = connections.map((connection) => ({
      id: connection.id,
      label:
        connection.authKind === "api_key"
          ? `${connection.shared ? "Shared" : "Your"} API key ….${connection.apiKeyLast4}`
          : `${connection.accountLabel ?? connection.accountId}${connection.shared ? " (shared)" : ""}`,
      status: connection.status,
    }));
    if (accounts.length > 0) choices.push({ providerId, providerName: getProvider(providerId)?.name ?? providerId, accounts });
  }
  return choices;
}

/** The JSON Schema a form is generated from: what the tool's input schema accepts. */
export async function toolFormSchema(workspaceId: string, toolId: string): Promise<object | undefined> {
  const entry = await findUserTool(workspaceId, toolId);
  return entry && (entry.formSchema ?? z.toJSONSchema(toolInputSchema(entry), { io: "input", unrepresentable: "any" }));
}

/** The services a workflow acts on that this user has not connected (or must reconnect), with what to do: the check that refuses to start it. */
export async function workflowMissingServices(actor: Actor, workflowId: string): Promise<MissingService[]> {
  return missingServices(actor, workflowId);
}

export function workflowFormSchema(workflowId: string): object | undefined {
  const entry = findWorkflow(workflowId);
  return entry && z.toJSONSchema(entry.inputSchema, { io: "input", unrepresentable: "any" });
}

export { workflowCatalog };
