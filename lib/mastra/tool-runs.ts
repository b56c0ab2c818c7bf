import "server-only";
import { noopObserve } from "@mastra/core/tools";
import { and, desc, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { toolRuns } from "@/db/schema";
import { requestContextFor } from "./context";
import { forHistory } from "./run-history";
import { findUserTool, toolInputSchema } from "./tools";
import { RunInputError } from "./workflow-runs";

export type ToolRunRow = typeof toolRuns.$inferSelect;

/** A tool answered a failure value (`success: false`, or Mastra's `error: true` for bad input). */
function isFailure(output: unknown): output is { error: unknown; message?: string } {
  if (!output || typeof output !== "object") return false;
  const value = output as { success?: unknown; error?: unknown };
  return value.success === false || value.error === true;
}

/**
 * Runs a tool by hand for a user: validates the input with the tool's schema (errors come back per
 * field), records the run, executes with the user's request context, and records the outcome.
 * History keeps input and output with credentials redacted and large values cut to a preview.
 */
export async function runTool(userId: string, toolId: string, rawInput: unknown): Promise<ToolRunRow> {
  const entry = findUserTool(userId, toolId);
  if (!entry) throw new Error(`There is no tool "${toolId}".`);
  const parsed = toolInputSchema(entry).safeParse(rawInput);
  if (!parsed.success) throw new RunInputError(parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })));
  const startedAt = Date.now();
  const secretFields = entry.secretFields ?? [];
  const row = db()
    .insert(toolRuns)
    .values({ userId, toolId, input: forHistory(parsed.data ?? {}, secretFields), status: "running", startedAt })
    .returning()
    .get();
  let output: unknown;
  let error: string | null = null;
  try {
    output = await entry.tool.execute!(parsed.data, { requestContext: requestContextFor(userId), observe: noopObserve });
    if (isFailure(output)) error = String((output as { error?: unknown; message?: unknown }).message ?? (output as { error: unknown }).error);
  } catch (caught) {
    error = (caught as Error).message ?? String(caught);
  }
  return db()
    .update(toolRuns)
    .set({ output: forHistory(output ?? null, secretFields), status: error ? "failed" : "succeeded", error, durationMs: Date.now() - startedAt })
    .where(eq(toolRuns.id, row.id))
    .returning()
    .get();
}

export function listToolRuns(userId: string, toolId?: string, limit = 20): ToolRunRow[] {
  return db()
    .select()
    .from(toolRuns)
    .where(toolId ? and(eq(toolRuns.userId, userId), eq(toolRuns.toolId, toolId)) : eq(toolRuns.userId, userId))
    .orderBy(desc(toolRuns.startedAt))
    .limit(limit)
    .all();
}

export function getToolRun(userId: string, runId: string): ToolRunRow | undefined {
  return db().select().from(toolRuns).where(and(eq(toolRuns.id, runId), eq(toolRuns.userId, userId))).get();
}
