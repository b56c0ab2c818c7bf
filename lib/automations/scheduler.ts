import "server-only";
import { and, eq, isNotNull, lte } from "drizzle-orm";
import { db } from "@/db/client";
import { automationRuns, automations } from "@/db/schema";
import { type BackgroundLoop, log, startBackgroundLoop } from "@/lib/platform";
import { automationDefinition } from "./definition";
import { automationWake } from "./queued-runs";
import { nextDueTime } from "./schedule-time";

/**
 * Fires schedule triggers: each due time of an enabled automation becomes one run, however many
 * processes look at once (a unique run per automation and due time, and the next due time moved on
 * only by whoever still sees the old one). Due times missed while no process ran fire once, for the
 * latest; the next is computed from now.
 */
export async function fireDueSchedules(now = Date.now()): Promise<number> {
  const due = await db()
    .select()
    .from(automations)
    .where(and(eq(automations.enabled, true), isNotNull(automations.nextDueAt), lte(automations.nextDueAt, now)));
  let fired = 0;
  for (const automation of due) {
    const parsed = automationDefinition.safeParse(automation.definition);
    if (!parsed.success || parsed.data.trigger.kind !== "schedule") continue;
    const dueAt = automation.nextDueAt!;
    const inserted = await db()
      .insert(automationRuns)
      .values({
        automationId: automation.id,
        workspaceId: automation.workspaceId,
        version: automation.version,
        trigger: "schedule",
        dueAt,
        input: { dueAt },
        status: "queued",
        nextAttemptAt: now,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: automationRuns.id });
    fired += inserted.length;
    await db()
      .update(automations)
      .set({ nextDueAt: nextDueTime(parsed.data.trigger, Math.max(now, dueAt)) })
      .where(and(eq(automations.id, automation.id), eq(automations.nextDueAt, dueAt)));
  }
  if (fired > 0) automationWake.emit("wake");
  return fired;
}

export function startScheduler({ intervalMs = 5_000 } = {}): BackgroundLoop {
  return startBackgroundLoop(
    "scheduler",
    async () => {
      try {
        await fireDueSchedules();
      } catch (error) {
        log.warn("could not fire due schedules", { error: (error as Error).message });
      }
    },
    { intervalMs },
  );
}
