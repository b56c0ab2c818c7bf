import "server-only";
import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { automationRuns, automations } from "@/db/schema";
import type { RunFilters, RunListItem } from "@/lib/runs";

/** How the Runs list's "what started it" reads an automation run's trigger. */
const triggerWords = { delivery: "webhook", schedule: "schedule", manual: "manual", try: "manual" } as const;
const fromWords: Record<string, (keyof typeof triggerWords)[]> = { webhook: ["delivery"], schedule: ["schedule"], manual: ["manual", "try"] };

/** Automation runs as lines of the Runs list: one per trigger event, its attempts inside. */
export async function automationRunItems(workspaceId: string, filters: RunFilters, limit: number): Promise<RunListItem[]> {
  const conditions: SQL[] = [eq(automationRuns.workspaceId, workspaceId)];
  if (filters.status === "succeeded" || filters.status === "failed") conditions.push(eq(automationRuns.status, filters.status));
  if (filters.status === "running") conditions.push(eq(automationRuns.status, "running"));
  if (filters.name) conditions.push(eq(automations.name, filters.name));
  if (filters.trigger) {
    const triggers = fromWords[filters.trigger];
    if (!triggers) return [];
    conditions.push(inArray(automationRuns.trigger, triggers));
  }
  if (filters.before) conditions.push(lt(automationRuns.createdAt, filters.before));
  const found = await db()
    .select({ run: automationRuns, name: automations.name })
    .from(automationRuns)
    .innerJoin(automations, eq(automations.id, automationRuns.automationId))
    .where(and(...conditions))
    .orderBy(desc(automationRuns.createdAt))
    .limit(limit);
  return found.map(({ run, name }) => ({
    kind: "automation",
    id: run.id,
    href: `/automations/${run.automationId}/runs/${run.id}`,
    name,
    status: run.status === "succeeded" ? "succeeded" : run.status === "failed" ? "failed" : "running",
    trigger: `${triggerWords[run.trigger]}${run.dryRun ? " (dry run)" : ""}${run.attempts > 1 ? ` · ${run.attempts} attempts` : ""}`,
    deliveryId: run.deliveryId,
    startedAt: run.createdAt,
    durationMs: run.finishedAt ? run.finishedAt - run.createdAt : null,
    error: run.error,
  }));
}
