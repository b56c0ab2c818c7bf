import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { db, type Db } from "@/db/client";
import { inJsonList, insertRows } from "@/db/sql/many-rows";
import { writtenTogether } from "@/db/written-together";
import { automationRunAttempts, automationRuns, automationRunSteps } from "@/db/schema";
import { roleIn } from "@/lib/auth";
import { type Actor, inSpan, log, recordRun, TraceAttributes } from "@/lib/platform";
import { announceRun } from "@/lib/runs";
import type { AutomationStep } from "./definition";
import { ExpressionError } from "./expressions";
import { type RunScope, StepFailure } from "./scope";
import { type AttemptState, attempts, type DeferredStep, workflowOf } from "./attempt-workflow";
import type { Automation } from "./store";
import type { AutomationRunRow, AutomationStepRow } from "./run-rows";

export type { RunScope } from "./scope";
export type { AutomationRunRow, AutomationStepRow } from "./run-rows";

export type AttemptOutcome = { ok: true } | { ok: false; error: string; permanent: boolean };

/** A failure the next attempt would meet again unchanged: a mapping, a schema, a missing tool or person. */
function isPermanent(error: unknown): boolean {
  return error instanceof ExpressionError || (error instanceof StepFailure && error.permanent);
}

export async function runSteps(runId: string): Promise<AutomationStepRow[]> {
  return db().select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).orderBy(asc(automationRunSteps.position));
}

/** A run about to be attempted, with what its steps see and who it acts as when no one is named. */
export type RunToAttempt = { run: AutomationRunRow; automation: Automation; base: Omit<RunScope, "steps">; fallbackPerson?: string };

/** How an attempt starts: the steps an earlier attempt finished (reused) and each step's workflow run to continue. */
type PreparedSteps = { reusable: Map<number, AutomationStepRow>; workflowRunIds: Map<number, string> };

/**
 * The steps each attempt starts from. Steps that succeeded in an earlier attempt keep their output
 * (they are reused, so what they created is not created twice) up to the first that did not; a
 * fresh attempt (a replay) or a changed list of steps starts over. A first attempt has no steps yet.
 */
async function prepareSteps(tx: Db, runs: (RunToAttempt & { starting: { fresh: boolean } })[]): Promise<PreparedSteps[]> {
  const earlier = runs.filter(({ run }) => run.attempts > 0).map(({ run }) => run.id);
  const existingOf = new Map<string, AutomationStepRow[]>();
  if (earlier.length > 0) {
    const found = await tx
      .select()
      .from(automationRunSteps)
      .where(inArray(automationRunSteps.runId, earlier))
      .orderBy(asc(automationRunSteps.runId), asc(automationRunSteps.position));
    for (const row of found) existingOf.set(row.runId, [...(existingOf.get(row.runId) ?? []), row]);
    const replaced = [...existingOf.keys()];
    if (replaced.length > 0) await tx.delete(automationRunSteps).where(inArray(automationRunSteps.runId, replaced));
  }
  const prepared: PreparedSteps[] = [];
  const inserted: (typeof automationRunSteps.$inferInsert)[] = [];
  for (const { run, automation, starting } of runs) {
    const steps = automation.definition.steps;
    const existing = existingOf.get(run.id) ?? [];
    const sameSteps = existing.length === steps.length && existing.every((row, position) => row.stepKey === steps[position]!.key);
    const reusable = new Map<number, AutomationStepRow>();
    if (sameSteps && !starting.fresh) {
      for (const row of existing) {
        if (row.status !== "succeeded" || row.kind === "condition") break;
        reusable.set(row.position, row);
      }
    }
    const workflowRunIds = new Map<number, string>();
    for (const [position, step] of steps.entries()) {
      const kept = reusable.get(position);
      if (kept) {
        inserted.push({ ...kept, reused: true });
        continue;
      }
      const workflowRunId = existingWorkflowRun(existing, position, step);
      if (workflowRunId) workflowRunIds.set(position, workflowRunId);
      inserted.push({ runId: run.id, position, stepKey: step.key, kind: step.kind, status: "pending", reused: false, workflowRunId });
    }
    prepared.push({ reusable, workflowRunIds });
  }
  await insertRows(automationRunSteps, STEP_KEYS, inserted);
  return prepared;
}

/** A workflow step that failed keeps its workflow run, so the next attempt continues that run from its failed step. */
function existingWorkflowRun(existing: AutomationStepRow[], position: number, step: AutomationStep): string | null {
  const row = existing[position];
  return step.kind === "workflow" && row?.stepKey === step.key && row.status === "failed" ? row.workflowRunId : null;
}

/** Who the run acts as: whoever started it by hand, the automation's author, or (a shipped one) `fallback`. */
async function actingPerson(
  run: AutomationRunRow,
  automation: Automation,
  fallback: string | undefined,
  isMember: (userId: string) => Promise<boolean>,
): Promise<string> {
  const chosen = run.startedBy ?? automation.createdBy;
  if (!chosen) {
    if (!fallback) throw new StepFailure("No one in this workspace can act for this run: its endpoint's maker and every owner are gone.", true);
    return fallback;
  }
  if (!(await isMember(chosen)))
    throw new StepFailure("The person this automation acts as is no longer a member of the workspace; an admin can save a copy as their own.", true);
  return chosen;
}

/** The columns insertRows writes (db/sql/many-rows.ts: many rows without drizzle's per-value cost). */
const STEP_KEYS = [
  "runId",
  "position",
  "stepKey",
  "kind",
  "status",
  "attempt",
  "reused",
  "input",
  "output",
  "error",
  "workflowRunId",
  "startedAt",
  "endedAt",
] as const;
const ATTEMPT_KEYS = ["runId", "number", "startedAt", "durationMs", "outcome", "error"] as const;

export type AttemptResult = { outcome: AttemptOutcome; workflowRunId?: string };

/**
 * Attempts runs together (a delivery's runs, or one queued run), each as a Mastra workflow built
 * from its automation's steps: each step maps its input from the scope with its expression, does
 * its work, and is recorded (a step that calls out as it starts and ends, so the run page follows
 * live). A condition that fails stops the run (Mastra's bail) or skips the next step.
 *
 * The bookkeeping is shared: one commit starts every attempt (`claim` picks the runs inside it: a
 * delivery's are created there; other deliveries' starts of the same turn share the commit, and
 * `claim` runs again, alone, if that shared commit fails), and attempts that end in the same turn are recorded together
 * (`endAttempt`), each statement covering every run, so ten automations matching a delivery cost
 * about what one does in commits and statements. Returns, for each run claimed, whether its
 * attempt succeeded and, if not, whether another could help.
 */
export async function attemptRuns(
  claim: (tx: Db) => Promise<RunToAttempt[]>,
  options: {
    fresh?: boolean;
    now?: () => number;
    /** Each run's columns after its attempt, written in the commit that records its end. */
    settle?: (outcome: AttemptOutcome, finishedAt: number) => Partial<AutomationRunRow> | undefined;
  } = {},
): Promise<(AttemptResult & RunToAttempt)[]> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const { runs, prepared } = await startAttempts({ claim, fresh: options.fresh ?? false, startedAt });
  if (runs.length === 0) return [];
  for (const { run } of runs) announceRun({ workspaceId: run.workspaceId, runId: run.id, status: "running" });

  const membership = new Map<string, Promise<boolean>>();
  const isMember = (workspaceId: string) => (userId: string) => {
    const key = `${workspaceId}:${userId}`;
    if (!membership.has(key)) membership.set(key, roleIn(userId, workspaceId).then(Boolean));
    return membership.get(key)!;
  };
  return Promise.all(
    runs.map(async (entry, index) => {
      const { outcome, deferredSteps, workflowRunId } = await attemptOne(entry, prepared[index]!, isMember(entry.automation.workspaceId));
      await endAttempt({ run: entry.run, automation: entry.automation, startedAt, finishedAt: now(), outcome, deferredSteps, settle: options.settle });
      recordRun("automation", outcome.ok ? "succeeded" : "failed");
      if (!outcome.ok)
        log.warn("automation run attempt failed", {
          run: entry.run.id,
          automation: entry.automation.id,
          attempt: entry.run.attempts + 1,
          error: outcome.error,
        });
      return { ...entry, outcome, workflowRunId };
    }),
  );
}

type Starting = { claim: (tx: Db) => Promise<RunToAttempt[]>; fresh: boolean; startedAt: number };
type Started = { runs: RunToAttempt[]; prepared: PreparedSteps[] };

/**
 * One commit starts the attempts (the runs, their attempt rows, their steps; an attempt still
 * "running" here was cut off by a stopped process), and the attempts that start in the same turn of
 * the event loop, or while the previous start commits (other deliveries' runs), share it, each
 * statement covering them all: on PostgreSQL a start was five round trips per delivery. `claim`
 * may run again (alone) if the shared commit fails, so it must only read and write in `tx`.
 */
const startAttempts = writtenTogether(startAll);

async function startAll(tx: Db, startings: Starting[]): Promise<Started[]> {
  const claimed: RunToAttempt[][] = [];
  for (const { claim } of startings) claimed.push(await claim(tx));
  const all = claimed.flatMap((runs, index) => runs.map((entry) => ({ ...entry, starting: startings[index]! })));
  if (all.length === 0) return claimed.map(() => ({ runs: [], prepared: [] }));
  for (const [attempts, group] of Map.groupBy(all, ({ run }) => run.attempts))
    await tx
      .update(automationRuns)
      .set({ status: "running", attempts: attempts + 1, error: null })
      .where(
        inJsonList(
          automationRuns.id,
          group.map(({ run }) => run.id),
        ),
      );
  const resumed = all.filter(({ run }) => run.attempts > 0).map(({ run }) => run.id);
  if (resumed.length > 0)
    await tx
      .update(automationRunAttempts)
      .set({ outcome: "failed", error: "interrupted (the process running it stopped)" })
      .where(and(inArray(automationRunAttempts.runId, resumed), eq(automationRunAttempts.outcome, "running")));
  await insertRows(
    automationRunAttempts,
    ["runId", "number", "startedAt", "outcome"],
    all.map(({ run, starting }) => ({ runId: run.id, number: run.attempts + 1, startedAt: starting.startedAt, outcome: "running" as const })),
    "on conflict (run_id, number) do update set started_at = excluded.started_at, outcome = excluded.outcome, error = null",
  );
  const prepared = await prepareSteps(tx, all);
  let at = 0;
  return claimed.map((runs) => ({ runs, prepared: prepared.slice(at, (at += runs.length)) }));
}

type Ending = {
  run: AutomationRunRow;
  automation: Automation;
  startedAt: number;
  finishedAt: number;
  outcome: AttemptOutcome;
  deferredSteps: Map<number, DeferredStep>;
  settle?: (outcome: AttemptOutcome, finishedAt: number) => Partial<AutomationRunRow> | undefined;
};

/**
 * Attempts that end in the same turn of the event loop (a delivery's runs that only evaluate, other
 * deliveries' runs), or while the previous endings' commit is under way, are recorded in one
 * commit, each statement covering them all; one that takes longer ends on its own, without waiting
 * for the rest. A batch that fails is recorded again ending by ending, so only the one at fault fails.
 */
const endAttempt = writtenTogether(async (tx: Db, ended: Ending[]) => {
  await recordEndings(tx, ended);
  return ended.map(() => undefined);
});

/** The attempts' outcomes, the steps recorded at the end, steps never reached, and (when the caller says how) the runs. */
async function recordEndings(tx: Db, ended: Ending[]): Promise<void> {
  const recordedAt = Date.now();
  await insertRows(
    automationRunAttempts,
    ATTEMPT_KEYS,
    ended.map(({ run, outcome, startedAt, finishedAt }) => ({
      runId: run.id,
      number: run.attempts + 1,
      startedAt,
      durationMs: finishedAt - startedAt,
      outcome: outcome.ok ? ("succeeded" as const) : ("failed" as const),
      error: outcome.ok ? null : outcome.error.slice(0, 2000),
    })),
    "on conflict (run_id, number) do update set duration_ms = excluded.duration_ms, outcome = excluded.outcome, error = excluded.error",
  );
  const deferred = ended.flatMap(({ run, automation, deferredSteps }) =>
    [...deferredSteps].map(([position, values]) => {
      const step = automation.definition.steps[position]!;
      return { runId: run.id, position, stepKey: step.key, kind: step.kind, reused: false, ...values };
    }),
  );
  await insertRows(
    automationRunSteps,
    STEP_KEYS,
    deferred,
    `on conflict (run_id, position) do update set status = excluded.status, attempt = excluded.attempt, input = excluded.input,
      output = excluded.output, error = excluded.error, started_at = excluded.started_at, ended_at = excluded.ended_at`,
  );
  await tx
    .update(automationRunSteps)
    .set({ status: "skipped" })
    .where(
      and(
        inJsonList(
          automationRunSteps.runId,
          ended.map(({ run }) => run.id),
        ),
        eq(automationRunSteps.status, "pending"),
      ),
    );
  const settled = ended.flatMap(({ run, outcome, settle }) => {
    const values = settle?.(outcome, recordedAt);
    return values ? [{ id: run.id, values }] : [];
  });
  for (const [, group] of Map.groupBy(settled, (entry) => JSON.stringify(entry.values)))
    await tx
      .update(automationRuns)
      .set(group[0]!.values)
      .where(
        inJsonList(
          automationRuns.id,
          group.map((entry) => entry.id),
        ),
      );
}

/** One run's attempt, between the commit that starts it and the one that records its end. */
async function attemptOne(
  { run, automation, base, fallbackPerson }: RunToAttempt,
  prepared: PreparedSteps,
  isMember: (userId: string) => Promise<boolean>,
): Promise<AttemptResult & { deferredSteps: Map<number, DeferredStep> }> {
  const number = run.attempts + 1;
  const scope: RunScope = { ...base, steps: {} };
  const attempt: AttemptState = { failed: {}, deferredSteps: new Map(), workflowRunIds: prepared.workflowRunIds };
  let outcome: AttemptOutcome;
  try {
    const userId = await actingPerson(run, automation, fallbackPerson, isMember);
    const actor: Actor = { userId, workspaceId: automation.workspaceId };
    const mastraRun = await workflowOf(automation).createRun();
    attempts.set(mastraRun.runId, { run, actor, scope, reusable: prepared.reusable, attempt: number, state: attempt, skipNext: false });
    // The attempt is a span of its own under the delivery's processing (or nothing, with tracing off): its workflow runs and calls nest in it.
    const result = await inSpan(
      `automation run ${run.id}`,
      { attributes: { [TraceAttributes.automationId]: automation.id, [TraceAttributes.runId]: run.id, [TraceAttributes.attempt]: number } },
      () => mastraRun.start({ inputData: {} }),
    ).finally(() => attempts.delete(mastraRun.runId));
    if (result.status === "success") outcome = { ok: true };
    else {
      const error = attempt.failed.error ?? ("error" in result ? result.error : undefined);
      outcome = { ok: false, error: (error as Error | undefined)?.message ?? `The run ended ${result.status}.`, permanent: isPermanent(error) };
    }
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message ?? String(error), permanent: isPermanent(error) };
  }
  return { outcome, deferredSteps: attempt.deferredSteps, workflowRunId: [...attempt.workflowRunIds.values()].at(-1) };
}
