import "server-only";
import { and, eq, gte, ne, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { automationRuns, toolRuns, workflowRuns } from "@/db/schema";

/** Runs in the last day, counted as the Runs list shows them: an automation run once, whatever its attempts; workflows an automation started inside it. */
export async function runCounts(workspaceId: string, now = Date.now()): Promise<{ total: number; failed: number; running: number }> {
  const since = now - 24 * 3600_000;
  const count = (status: string, column: unknown) => sql<number>`sum(case when ${column} = ${status} then 1 else 0 end)`;
  const [automation] = await db()
    .select({ total: sql<number>`count(*)`, failed: count("failed", automationRuns.status), succeeded: count("succeeded", automationRuns.status) })
    .from(automationRuns)
    .where(and(eq(automationRuns.workspaceId, workspaceId), gte(automationRuns.createdAt, since)));
  const [tool] = await db()
    .select({ total: sql<number>`count(*)`, failed: count("failed", toolRuns.status), succeeded: count("succeeded", toolRuns.status) })
    .from(toolRuns)
    .where(and(eq(toolRuns.workspaceId, workspaceId), gte(toolRuns.startedAt, since)));
  const [workflow] = await db()
    .select({ total: sql<number>`count(*)`, failed: count("failed", workflowRuns.status), succeeded: count("success", workflowRuns.status) })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.workspaceId, workspaceId), gte(workflowRuns.startedAt, since), ne(workflowRuns.trigger, "automation")));
  const parts = [automation, tool, workflow].map((part) => ({
    total: Number(part?.total ?? 0),
    failed: Number(part?.failed ?? 0),
    succeeded: Number(part?.succeeded ?? 0),
  }));
  const total = parts.reduce((sum, part) => sum + part.total, 0);
  const failed = parts.reduce((sum, part) => sum + part.failed, 0);
  const succeeded = parts.reduce((sum, part) => sum + part.succeeded, 0);
  return { total, failed, running: total - failed - succeeded };
}
