import "server-only";
import { EventEmitter } from "node:events";
import { and, eq, inArray, sql } from "drizzle-orm";
import { db, rows } from "@/db/client";
import { forLease } from "@/db/sql/leasing";
import { automationRuns } from "@/db/schema";
import { type Actor, type BackgroundLoop, log, processState, startBackgroundLoop } from "@/lib/platform";
import { leaseRows, nextStep, QueueWorker, recordFenced, renewWhileRunning, type QueueTable } from "@/lib/queue";
import { announceRun } from "@/lib/runs";
import { findAutomation, requireAutomation } from "./store";
import { type AttemptOutcome, attemptRuns, type AutomationRunRow, type RunScope } from "./execute";
import { getAutomationRun } from "./run-queries";
import { automationHooks } from "./hooks";
import { ExpressionError } from "./expressions";
import type { AutomationDefinition } from "./definition";
import { deliveryScope, raiseRunFailed } from "./runs";

/**
 * Runs that are not a delivery's: by hand (with the trigger's input form), on a schedule, a dry
 * run, or tried on a past delivery. They wait in automation_runs as a queue of their own (leased,
 * retried on the schedule); a delivery's runs are attempted by its processing (runs.ts).
 */

/** Wakes the automation queue; process-wide, so a run started from a page (Next's bundle) wakes the worker start-up runs. */
export const automationWake: EventEmitter = processState("AutomationWake", () => {
  const wake = new EventEmitter();
  wake.setMaxListeners(0);
  return wake;
});

export class AutomationRunError extends Error {
  override name = "AutomationRunError";
}

function manualInputIssues(definition: AutomationDefinition, input: Record<string, unknown>): string | undefined {
  if (definition.trigger.kind !== "manual") return undefined;
  for (const field of definition.trigger.fields) {
    const value = input[field.name];
    if (value === undefined || value === "") {
      if (field.required) return `${field.name} is required.`;
      continue;
    }
    if (typeof value !== field.type) return `${field.name} must be a ${field.type}.`;
  }
  return undefined;
}

/**
 * Queues a run started by a person: by hand (with the trigger's input form), a dry run (nothing that
 * changes anything is called), or "try with this delivery" (before enabling). The automation
 * queue attempts it at once, leased and retried like a delivery.
 */
export async function startAutomationRun(
  actor: Actor,
  automationId: string,
  request: { input?: Record<string, unknown>; dryRun?: boolean; deliveryId?: number },
  now = Date.now(),
): Promise<AutomationRunRow> {
  const automation = await requireAutomation(actor.workspaceId, automationId);
  const input = request.input ?? {};
  const problem = manualInputIssues(automation.definition, input);
  if (problem) throw new AutomationRunError(problem);
  if (request.deliveryId !== undefined) {
    const readDelivery = automationHooks().readDelivery;
    if (!readDelivery || !(await readDelivery(actor.workspaceId, request.deliveryId)))
      throw new AutomationRunError(`There is no delivery #${request.deliveryId} in this workspace (or retention removed its payload).`);
  }
  const [row] = await db()
    .insert(automationRuns)
    .values({
      automationId: automation.id,
      workspaceId: automation.workspaceId,
      version: automation.version,
      trigger: request.deliveryId !== undefined ? "try" : "manual",
      deliveryId: request.deliveryId,
      startedBy: actor.userId,
      input,
      dryRun: request.dryRun ?? false,
      status: "queued",
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning();
  announceRun({ workspaceId: actor.workspaceId, runId: row!.id, status: "queued" });
  automationWake.emit("wake");
  return row!;
}

/** Re-runs a failed run from its failed step: a new attempt of the same run, reusing what earlier steps made. */
export async function rerunAutomationRun(actor: Actor, runId: string, now = Date.now()): Promise<AutomationRunRow> {
  const found = await getAutomationRun(actor.workspaceId, runId);
  if (!found) throw new AutomationRunError("There is no such run.");
  if (found.run.status !== "failed") throw new AutomationRunError("Only a failed run can be run again from its failed step.");
  const [row] = await db()
    .update(automationRuns)
    .set({ status: "queued", nextAttemptAt: now, error: null, finishedAt: null, startedBy: found.run.startedBy ?? actor.userId })
    .where(and(eq(automationRuns.id, runId), eq(automationRuns.status, "failed")))
    .returning();
  if (!row) throw new AutomationRunError("The run changed meanwhile; reload.");
  announceRun({ workspaceId: actor.workspaceId, runId, status: "queued" });
  automationWake.emit("wake");
  return row;
}

const LEASE_MS = 60_000;

/**
 * Leases due runs of the queue; a delivery's runs move with their delivery, except one a person
 * re-runs from its failed step (it gets a due time). An expired lease is a lost attempt.
 */
async function leaseDueRuns(now: number, limit: number, inFlight: string[]): Promise<AutomationRunRow[]> {
  return leaseRows(
    async (tx) => {
      // dialect: leasing (db/sql/leasing.ts: FOR UPDATE SKIP LOCKED on PostgreSQL)
      const due = await rows<{ id: string }>(sql`
      select id from automation_runs
      where (trigger <> 'delivery' or next_attempt_at is not null) and (
        (status in ('queued', 'retrying') and next_attempt_at <= ${now}) or (status = 'running' and lease_until < ${now}))
        ${inFlight.length > 0 ? sql`and id not in ${inFlight}` : sql``}
      order by next_attempt_at, id
      limit ${limit}${forLease()}`);
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      await tx
        .update(automationRuns)
        .set({ status: "running", leaseUntil: now + LEASE_MS })
        .where(inArray(automationRuns.id, ids));
      return ids;
    },
    (ids) => db().select().from(automationRuns).where(inArray(automationRuns.id, ids)),
  );
}

async function scopeOfQueuedRun(run: AutomationRunRow): Promise<{ base: Omit<RunScope, "steps">; fallbackPerson?: string }> {
  if (run.deliveryId !== null) {
    const readDelivery = automationHooks().readDelivery;
    const found = readDelivery ? await readDelivery(run.workspaceId, run.deliveryId) : undefined;
    if (!found) throw new ExpressionError(`Delivery #${run.deliveryId} is gone (retention removed its payload).`);
    return { base: deliveryScope(found.scope), fallbackPerson: found.actingPerson };
  }
  if (run.trigger === "schedule") return { base: { schedule: { dueAt: run.dueAt ?? run.createdAt } } };
  return { base: { input: run.input ?? {} } };
}

async function attemptQueuedRun(run: AutomationRunRow): Promise<void> {
  const automation = await findAutomation(run.workspaceId, run.automationId);
  if (!automation) return; // deleted meanwhile: its runs went with it
  const stopRenewing = renewWhileRunning(
    () =>
      db()
        .update(automationRuns)
        .set({ leaseUntil: Date.now() + LEASE_MS })
        .where(and(eq(automationRuns.id, run.id), eq(automationRuns.status, "running"))),
    LEASE_MS,
    (error) => log.warn("could not renew an automation run's lease", { run: run.id, error: (error as Error)?.message }),
  );
  let outcome: AttemptOutcome;
  try {
    const { base, fallbackPerson } = await scopeOfQueuedRun(run);
    const [attempted] = await attemptRuns(async () => [{ run, automation, base, fallbackPerson }]);
    outcome = attempted!.outcome;
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message, permanent: error instanceof ExpressionError };
  } finally {
    stopRenewing();
  }
  const attempts = run.attempts + 1;
  const { status, retryIn } = nextStep(attempts, outcome, { done: "succeeded", retry: "retrying", failed: "failed" });
  const finishedAt = Date.now();
  const kept = await recordFenced(
    (tx) =>
      tx
        .update(automationRuns)
        .set({
          status,
          leaseUntil: null,
          error: outcome.ok ? null : outcome.error.slice(0, 2000),
          nextAttemptAt: retryIn === undefined ? null : finishedAt + retryIn,
          finishedAt: status === "retrying" ? null : finishedAt,
        })
        .where(and(eq(automationRuns.id, run.id), eq(automationRuns.status, "running"), eq(automationRuns.attempts, attempts))),
    async () => undefined,
  );
  if (!kept) return;
  announceRun({ workspaceId: run.workspaceId, runId: run.id, status });
  if (status === "failed" && !outcome.ok && !run.dryRun && run.trigger === "schedule") await raiseRunFailed(automation, run, outcome.error);
}

/** Attempts every due queued run, up to `limit` at once; returns how many attempts it made. */
export async function processDueAutomationRuns({ limit = 8, pollMs = 1000 } = {}): Promise<number> {
  const table: QueueTable<AutomationRunRow> = {
    lease: async (wanted, admission) => {
      const leased = await leaseDueRuns(Date.now(), wanted, admission.inFlight);
      for (const run of leased) admission.admit(run.id, { workspaceId: run.workspaceId, origin: "" });
      return leased;
    },
    attempt: attemptQueuedRun,
    idOf: (run) => run.id,
  };
  const worker = new QueueWorker(table, { name: "automations", slots: { total: limit, perPerson: limit, perOrigin: limit } });
  return worker.drain({ wake: automationWake, pollMs });
}

export function startAutomationWorker({ intervalMs = 1000 } = {}): BackgroundLoop {
  return startBackgroundLoop("automations", () => processDueAutomationRuns(), { intervalMs, wake: automationWake });
}
