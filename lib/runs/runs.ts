import "server-only";
import { and, desc, eq, lt, ne, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { runTriggers, toolRunTriggers, toolRuns, workflowRuns } from "@/db/schema";

/** The Runs page's filters, read from the query string; anything unknown is dropped rather than refused. */
export const runFiltersSchema = z.object({
  kind: z.enum(["tool", "workflow", "automation"]).optional().catch(undefined),
  status: z.enum(["running", "succeeded", "failed"]).optional().catch(undefined),
  name: z.string().trim().min(1).max(200).optional().catch(undefined),
  trigger: z
    .enum([...toolRunTriggers, "schedule"])
    .optional()
    .catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
export type RunFilters = z.infer<typeof runFiltersSchema>;

/** One line of the Runs list, whichever table it came from; workflow "success" reads as "succeeded". */
export type RunListItem = {
  kind: "tool" | "workflow" | "automation";
  id: string;
  /** The run's page. */
  href: string;
  name: string;
  status: "running" | "succeeded" | "failed";
  trigger: string;
  deliveryId: number | null;
  startedAt: number;
  durationMs: number | null;
  error: string | null;
};

export const RUNS_PAGE_SIZE = 50;

async function toolRunItems(workspaceId: string, filters: RunFilters, limit: number): Promise<RunListItem[]> {
  const conditions: SQL[] = [eq(toolRuns.workspaceId, workspaceId)];
  if (filters.status) conditions.push(eq(toolRuns.status, filters.status));
  if (filters.name) conditions.push(eq(toolRuns.toolId, filters.name));
  if (filters.trigger) {
    const trigger = toolRunTriggers.find((known) => known === filters.trigger);
    if (!trigger) return [];
    conditions.push(eq(toolRuns.trigger, trigger));
  }
  if (filters.before) conditions.push(lt(toolRuns.startedAt, filters.before));
  const runs = await db()
    .select()
    .from(toolRuns)
    .where(and(...conditions))
    .orderBy(desc(toolRuns.startedAt))
    .limit(limit);
  return runs.map((run) => ({
    kind: "tool",
    id: run.id,
    href: `/runs/${run.id}`,
    name: run.toolId,
    status: run.status,
    trigger: run.trigger,
    deliveryId: run.deliveryId,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    error: run.error,
  }));
}

async function workflowRunItems(workspaceId: string, filters: RunFilters, limit: number): Promise<RunListItem[]> {
  // A workflow an automation's step started is shown inside that automation's run, not again here.
  const conditions: SQL[] = [eq(workflowRuns.workspaceId, workspaceId), ne(workflowRuns.trigger, "automation")];
  if (filters.status) conditions.push(eq(workflowRuns.status, filters.status === "succeeded" ? "success" : filters.status));
  if (filters.name) conditions.push(eq(workflowRuns.workflowId, filters.name));
  if (filters.trigger) {
    // Workflows are not started by the agent or over MCP: those filters leave no workflow runs.
    const trigger = runTriggers.find((known) => known === filters.trigger);
    if (!trigger) return [];
    conditions.push(eq(workflowRuns.trigger, trigger));
  }
  if (filters.before) conditions.push(lt(workflowRuns.startedAt, filters.before));
  const runs = await db()
    .select()
    .from(workflowRuns)
    .where(and(...conditions))
    .orderBy(desc(workflowRuns.startedAt))
    .limit(limit);
  return runs.map((run) => ({
    kind: "workflow",
    id: run.id,
    href: `/runs/${run.id}`,
    name: run.workflowId,
    status: run.status === "success" ? "succeeded" : run.status,
    trigger: run.trigger,
    deliveryId: run.deliveryId,
    startedAt: run.startedAt,
    durationMs: run.finishedAt ? run.finishedAt - run.startedAt : null,
    error: run.error,
  }));
}

/**
 * Tool and workflow runs of one user in one list, newest first, a page at a time: `next` is the
 * `before` value of the following page, or undefined on the last one.
 */
export async function listRuns(
  workspaceId: string,
  filters: RunFilters,
  pageSize = RUNS_PAGE_SIZE,
  /** More runs to list beside tool and workflow runs (lib/automations adds its own), given the same filters and limit. */
  more?: (workspaceId: string, filters: RunFilters, limit: number) => Promise<RunListItem[]>,
): Promise<{ items: RunListItem[]; next?: number }> {
  const wanted = pageSize + 1;
  const only = (kind: RunListItem["kind"]) => filters.kind === undefined || filters.kind === kind;
  const merged = [
    ...(only("tool") ? await toolRunItems(workspaceId, filters, wanted) : []),
    ...(only("workflow") ? await workflowRunItems(workspaceId, filters, wanted) : []),
    ...(only("automation") && more ? await more(workspaceId, filters, wanted) : []),
  ].sort((a, b) => b.startedAt - a.startedAt);
  const items = merged.slice(0, pageSize);
  return { items, next: merged.length > pageSize ? items.at(-1)!.startedAt : undefined };
}

/** The names the "what ran" filter offers: every tool and workflow this user has runs of. */
export async function runNames(workspaceId: string): Promise<string[]> {
  const tools = await db().selectDistinct({ name: toolRuns.toolId }).from(toolRuns).where(eq(toolRuns.workspaceId, workspaceId));
  const workflows = await db().selectDistinct({ name: workflowRuns.workflowId }).from(workflowRuns).where(eq(workflowRuns.workspaceId, workspaceId));
  return [...new Set([...tools, ...workflows].map((row) => row.name))].sort();
}
