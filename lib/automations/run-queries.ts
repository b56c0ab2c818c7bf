import "server-only";
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { automationRunAttempts, automationRuns, automations } from "@/db/schema";
import { type AutomationRunRow, type AutomationStepRow, runSteps } from "./execute";

/** Automation runs as pages read them: one with its steps and attempts, lists by automation or delivery. */

export type AutomationRunDetail = {
  run: AutomationRunRow;
  steps: AutomationStepRow[];
  attempts: (typeof automationRunAttempts.$inferSelect)[];
};

export async function getAutomationRun(workspaceId: string, runId: string): Promise<AutomationRunDetail | undefined> {
  const [run] = await db()
    .select()
    .from(automationRuns)
    .where(and(eq(automationRuns.id, runId), eq(automationRuns.workspaceId, workspaceId)))
    .limit(1);
  if (!run) return undefined;
  const attempts = await db().select().from(automationRunAttempts).where(eq(automationRunAttempts.runId, runId)).orderBy(asc(automationRunAttempts.number));
  return { run, steps: await runSteps(runId), attempts };
}

export type RunListFilters = { automationId?: string; status?: AutomationRunRow["status"]; trigger?: AutomationRunRow["trigger"]; before?: number };

export async function listAutomationRuns(
  workspaceId: string,
  filters: RunListFilters = {},
  limit = 50,
): Promise<(AutomationRunRow & { automationName: string })[]> {
  const conditions: SQL[] = [eq(automationRuns.workspaceId, workspaceId)];
  if (filters.automationId) conditions.push(eq(automationRuns.automationId, filters.automationId));
  if (filters.status) conditions.push(eq(automationRuns.status, filters.status));
  if (filters.trigger) conditions.push(eq(automationRuns.trigger, filters.trigger));
  if (filters.before) conditions.push(lt(automationRuns.createdAt, filters.before));
  const found = await db()
    .select({ run: automationRuns, automationName: automations.name })
    .from(automationRuns)
    .innerJoin(automations, eq(automations.id, automationRuns.automationId))
    .where(and(...conditions))
    .orderBy(desc(automationRuns.createdAt))
    .limit(limit);
  return found.map(({ run, automationName }) => ({ ...run, automationName }));
}

/** The runs a delivery started, for its page. */
export async function runsForDelivery(workspaceId: string, deliveryId: number): Promise<(AutomationRunRow & { automationName: string })[]> {
  const found = await db()
    .select({ run: automationRuns, automationName: automations.name })
    .from(automationRuns)
    .innerJoin(automations, eq(automations.id, automationRuns.automationId))
    .where(and(eq(automationRuns.workspaceId, workspaceId), eq(automationRuns.deliveryId, deliveryId)))
    .orderBy(asc(automationRuns.createdAt));
  return found.map(({ run, automationName }) => ({ ...run, automationName }));
}

/** The outputs the last run's steps left, for previewing a later step's mapping. */
export async function lastStepOutputs(workspaceId: string, automationId: string): Promise<Record<string, unknown>> {
  const [last] = await db()
    .select({ id: automationRuns.id })
    .from(automationRuns)
    .where(and(eq(automationRuns.workspaceId, workspaceId), eq(automationRuns.automationId, automationId)))
    .orderBy(desc(automationRuns.createdAt))
    .limit(1);
  if (!last) return {};
  const steps = await runSteps(last.id);
  return Object.fromEntries(steps.filter((step) => step.status === "succeeded").map((step) => [step.stepKey, step.output]));
}
