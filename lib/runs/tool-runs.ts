import "server-only";
import { noopObserve } from "@mastra/core/tools";
import { and, desc, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { liveInstanceId } from "@/db/instance";
import { toolRuns, type RunAccount } from "@/db/schema";
import { findConnection, inConnectionScope, type UsedConnection } from "@/lib/connections";
import { type CatalogTool, findUserTool, requestContextFor, toolInputSchema } from "@/lib/tools";
import { type Actor, formatIssues, recordRun } from "@/lib/platform";
import { forHistory } from "./run-history";
import { RunInputError } from "./workflow-runs";

export type ToolRunRow = typeof toolRuns.$inferSelect;

/** Why a tool ran: by hand from the runner, for an agent's conversation, or for an MCP client (named by its token). */
export type ToolRunTrigger = { kind: "manual" } | { kind: "agent"; conversationId: string } | { kind: "mcp"; tokenName: string };

function triggerColumns(trigger: ToolRunTrigger) {
  switch (trigger.kind) {
    case "manual":
      return { trigger: "manual" as const };
    case "agent":
      return { trigger: "agent" as const, conversationId: trigger.conversationId };
    case "mcp":
      return { trigger: "mcp" as const, mcpTokenName: trigger.tokenName };
  }
}

/** A tool answered a failure value (`success: false`, or Mastra's `error: true` for bad input). */
export function isFailure(output: unknown): output is { success?: false; error?: unknown; message?: unknown } {
  if (!output || typeof output !== "object") return false;
  const value = output as { success?: unknown; error?: unknown };
  return value.success === false || value.error === true;
}

/** The sentence a failed run shows: the tool's message, its error, or (failing per service) each service's error. */
export function failureText(output: { error?: unknown; message?: unknown; errors?: unknown }): string {
  if (typeof output.message === "string" && output.message) return output.message;
  if (typeof output.error === "string" && output.error) return output.error;
  if (Array.isArray(output.errors) && output.errors.length > 0) {
    return output.errors
      .map((entry: { service?: unknown; error?: unknown }) => `${String(entry.service ?? "a service")}: ${String(entry.error ?? "failed")}`)
      .join("; ");
  }
  return "The tool reported a failure without saying why.";
}

async function accountsOf({ userId, workspaceId }: Actor, used: UsedConnection[]): Promise<RunAccount[]> {
  const accounts: RunAccount[] = [];
  for (const { providerId, connectionId } of used) {
    const label = connectionId === "environment" ? "instance-wide key" : ((await findConnection(userId, connectionId, workspaceId))?.accountLabel ?? null);
    accounts.push({ providerId, connectionId, label });
  }
  return accounts;
}

export type RunToolOptions = {
  /** Provider id -> connection id, for people with several accounts of one service. */
  accounts?: Record<string, string>;
  /** The stored delivery whose payload the input came from. */
  deliveryId?: number;
  /** Why it runs; by hand unless the agent or an MCP client started it. */
  trigger?: ToolRunTrigger;
};

/**
 * Runs a tool for a user: validates the input with the tool's schema (errors come back per field),
 * records the run with its trigger, executes with the user's request context and chosen accounts,
 * and records the outcome with the accounts it acted as (while it runs, the row names this process:
 * lib/runs/interrupted-runs.ts fails it if the process stops). History keeps input and output with
 * credentials redacted and large values cut to a preview.
 */
export async function runTool(actor: Actor, toolId: string, rawInput: unknown, options: RunToolOptions = {}): Promise<ToolRunRow> {
  const entry = await findUserTool(actor.workspaceId, toolId);
  if (!entry) throw new Error(`There is no tool "${toolId}".`);
  return runCatalogTool(actor, entry, rawInput, options);
}

/** runTool for a caller that already holds the tool (the agent and MCP got it from listReadyTools): no second lookup. */
export async function runCatalogTool(actor: Actor, entry: CatalogTool, rawInput: unknown, options: RunToolOptions = {}): Promise<ToolRunRow> {
  const { userId, workspaceId } = actor;
  const toolId = entry.tool.id;
  const trigger = options.trigger ?? { kind: "manual" };
  const parsed = toolInputSchema(entry).safeParse(rawInput);
  if (!parsed.success) throw new RunInputError(formatIssues(parsed.error));
  const chosen: Record<string, string> = {};
  for (const [providerId, connectionId] of Object.entries(options.accounts ?? {})) {
    if ((await findConnection(userId, connectionId, workspaceId))?.providerId === providerId) chosen[providerId] = connectionId;
  }
  const startedAt = Date.now();
  const secretFields = entry.secretFields ?? [];
  const [row] = await db()
    .insert(toolRuns)
    .values({
      userId,
      workspaceId,
      toolId,
      ...triggerColumns(trigger),
      input: forHistory(parsed.data ?? {}, secretFields),
      status: "running",
      startedAt,
      deliveryId: options.deliveryId,
      runnerInstance: await liveInstanceId(),
    })
    .returning();
  let output: unknown;
  let error: string | null = null;
  let used: UsedConnection[] = [];
  try {
    const scoped = await inConnectionScope(workspaceId, chosen, () =>
      entry.tool.execute!(parsed.data, { requestContext: requestContextFor(actor), observe: noopObserve }),
    );
    output = scoped.result;
    used = scoped.used;
    if (isFailure(output)) error = failureText(output as Record<string, unknown>);
  } catch (caught) {
    error = (caught as Error).message ?? String(caught);
  }
  const accounts = await accountsOf(actor, used);
  const [finished] = await db()
    .update(toolRuns)
    .set({ output: forHistory(output ?? null, secretFields), status: error ? "failed" : "succeeded", error, durationMs: Date.now() - startedAt, accounts })
    .where(eq(toolRuns.id, row!.id))
    .returning();
  recordRun("tool", error ? "failed" : "succeeded");
  return finished!;
}

export async function listToolRuns(workspaceId: string, toolId?: string, limit = 20): Promise<ToolRunRow[]> {
  return db()
    .select()
    .from(toolRuns)
    .where(toolId ? and(eq(toolRuns.workspaceId, workspaceId), eq(toolRuns.toolId, toolId)) : eq(toolRuns.workspaceId, workspaceId))
    .orderBy(desc(toolRuns.startedAt))
    .limit(limit);
}

export async function getToolRun(workspaceId: string, runId: string): Promise<ToolRunRow | undefined> {
  const [run] = await db()
    .select()
    .from(toolRuns)
    .where(and(eq(toolRuns.id, runId), eq(toolRuns.workspaceId, workspaceId)))
    .limit(1);
  return run;
}
