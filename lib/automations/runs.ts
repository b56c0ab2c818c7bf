import "server-only";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { db, type Db } from "@/db/client";
import { insertRows } from "@/db/sql/many-rows";
import { automationRuns, automationRunSteps } from "@/db/schema";
import { raiseAlert } from "@/lib/outbox";
import { announceRun } from "@/lib/runs";
import type { Automation } from "./store";
import { enabledDeliveryAutomations } from "./store";
import { type AttemptOutcome, attemptRuns, type AutomationRunRow, type RunScope, type RunToAttempt } from "./execute";
import { automationHooks, type DeliveryReader, type DeliveryScope } from "./hooks";
import { evaluateEach, passes } from "./expressions";
import type { DeliveryTrigger } from "./definition";

export type { DeliveryReader, DeliveryScope } from "./hooks";
export function setDeliveryReader(reader: DeliveryReader | undefined): void {
  automationHooks().readDelivery = reader;
}

export function deliveryScope(delivery: DeliveryScope): Omit<RunScope, "steps"> {
  return {
    payload: delivery.payload,
    headers: delivery.headers,
    event: delivery.event,
    action: delivery.action,
    delivery: { id: delivery.id, providerId: delivery.providerId, endpointId: delivery.endpointId },
  };
}

/** Whether a delivery trigger names this delivery's source, endpoint and event (the filter is asked separately). */
export function triggerMatches(trigger: DeliveryTrigger, delivery: Pick<DeliveryScope, "providerId" | "endpointId" | "event" | "action">): boolean {
  if (trigger.providerId !== delivery.providerId) return false;
  if (trigger.endpointId !== undefined && trigger.endpointId !== delivery.endpointId) return false;
  const wanted = trigger.event?.trim();
  if (!wanted || wanted === "*") return true;
  // Event names may hold dots themselves (Stripe's invoice.payment_failed): the whole name first, then event.action.
  if (wanted === delivery.event) return true;
  if (delivery.action && wanted === `${delivery.event}.${delivery.action}`) return true;
  return wanted === `${delivery.event}.*`;
}

export type DeliveryRunsOutcome = {
  /** Retrying could help: some run failed for a reason that may pass. */
  error?: string;
  /** Every failure would repeat: no retry. */
  permanent?: boolean;
  note: string;
  workflowRunId?: string;
};

export async function raiseRunFailed(automation: Automation, run: AutomationRunRow, error: string): Promise<void> {
  await raiseAlert(automation.workspaceId, {
    kind: "automation_failed",
    subject: `automation:${automation.id}`,
    title: `The automation "${automation.name}" failed`,
    detail: error.slice(0, 500),
    link: `/automations/${automation.id}/runs/${run.id}`,
  });
}

/** The columns of automation_runs a delivery's run is created without, as the table fills them in. */
const RUN_DEFAULTS: Omit<AutomationRunRow, "id" | "automationId" | "workspaceId" | "version" | "trigger" | "deliveryId" | "status" | "createdAt"> = {
  dueAt: null,
  startedBy: null,
  input: null,
  dryRun: false,
  attempts: 0,
  nextAttemptAt: null,
  leaseUntil: null,
  error: null,
  finishedAt: null,
};

/** The run of each automation for this delivery: created now, or the one an earlier attempt of the delivery created. */
async function deliveryRunsFor(tx: Db, automations: Automation[], delivery: DeliveryScope, now: number): Promise<Map<string, AutomationRunRow>> {
  // One statement for every run (db/sql/many-rows.ts); a run that exists already (exactly one per delivery and automation) stays as it is.
  const created = automations.map((automation) => ({
    id: crypto.randomUUID(),
    automationId: automation.id,
    workspaceId: automation.workspaceId,
    version: automation.version,
    trigger: "delivery" as const,
    deliveryId: delivery.id,
    status: "queued" as const,
    createdAt: now,
  }));
  const inserted = await insertRows(
    automationRuns,
    ["id", "automationId", "workspaceId", "version", "trigger", "deliveryId", "status", "createdAt"],
    created,
    "on conflict do nothing",
  );
  // Every run new (the delivery's first attempt): the rows are what was written and the table's defaults, not read back.
  if (inserted === created.length) return new Map(created.map((run) => [run.automationId, { ...RUN_DEFAULTS, ...run }]));
  const found = await tx
    .select()
    .from(automationRuns)
    .where(
      and(
        inArray(
          automationRuns.automationId,
          automations.map((automation) => automation.id),
        ),
        eq(automationRuns.deliveryId, delivery.id),
        eq(automationRuns.trigger, "delivery"),
      ),
    );
  return new Map(found.map((run) => [run.automationId, run]));
}

type DeliveryRunResult = { automation: Automation; run: AutomationRunRow; outcome: AttemptOutcome; workflowRunId?: string };

/**
 * What processing a delivery means: every enabled automation of its workspace whose trigger and
 * filter match gets exactly one run for it (a unique row per delivery and automation), attempted
 * now. A later attempt of the delivery (its retry schedule, or after a crash, its expired lease)
 * attempts again only the runs that have not succeeded, each continuing from its failed step; a
 * replay attempts them all afresh, as new attempts of the same runs. The runs are created and
 * started in one commit and ended in another, however many match.
 */
export async function runAutomationsForDelivery(
  delivery: DeliveryScope,
  options: { replay: boolean; actingPerson: () => Promise<string | undefined>; now?: () => number },
): Promise<DeliveryRunsOutcome> {
  const now = options.now ?? Date.now;
  const candidates = (await enabledDeliveryAutomations(delivery.workspaceId, delivery.providerId)).filter((automation) =>
    triggerMatches(automation.definition.trigger as DeliveryTrigger, delivery),
  );
  if (candidates.length === 0) return { note: "No automation matches this event; it was recorded." };
  const base = deliveryScope(delivery);
  // Every candidate's filter in one evaluation over the delivery: the payload crosses to the expression worker once.
  const filtered = candidates.filter((automation) => (automation.definition.trigger as DeliveryTrigger).filter);
  const verdicts = await evaluateEach(
    filtered.map((automation) => ({ expression: (automation.definition.trigger as DeliveryTrigger).filter!, what: "the filter" })),
    { ...base, steps: {} },
  );
  const verdictOf = new Map(filtered.map((automation, index) => [automation.id, verdicts[index]!]));
  // A filter that cannot be evaluated fails a run of its own, so the person sees why nothing ran.
  const filterErrors = new Map<string, string>();
  const matched = candidates.filter((automation) => {
    const verdict = verdictOf.get(automation.id);
    if (verdict && "error" in verdict) filterErrors.set(automation.id, verdict.error.message);
    return !verdict || "error" in verdict || passes(verdict.value);
  });
  if (matched.length === 0) return { note: "No automation's filter matched this event; it was recorded." };
  // Shipped automations act as the endpoint's maker or an owner: asked once, and only if a run needs it.
  const fallbackPerson = matched.some((automation) => !automation.createdBy) ? await options.actingPerson() : undefined;

  const results: DeliveryRunResult[] = [];
  const failedNow: DeliveryRunResult[] = [];
  const attempted = await attemptRuns(
    async (tx) => {
      // Claimed again, alone, if the commit it shared with other deliveries' starts failed.
      results.length = 0;
      failedNow.length = 0;
      const runOf = await deliveryRunsFor(tx, matched, delivery, now());
      const toAttempt: RunToAttempt[] = [];
      for (const automation of matched) {
        const run = runOf.get(automation.id)!;
        const filterError = filterErrors.get(automation.id);
        if (filterError !== undefined) {
          const outcome = { ok: false as const, error: filterError, permanent: true };
          if (run.status === "succeeded") results.push({ automation, run, outcome });
          else failedNow.push({ automation, run, outcome });
        } else if (!options.replay && (run.status === "succeeded" || run.status === "failed"))
          results.push({
            automation,
            run,
            outcome: run.status === "succeeded" ? { ok: true } : { ok: false, error: run.error ?? "failed", permanent: true },
          });
        else toAttempt.push({ run, automation, base, fallbackPerson });
      }
      for (const [error, group] of Map.groupBy(failedNow, (entry) => (entry.outcome as { error: string }).error))
        await tx
          .update(automationRuns)
          .set({ status: "failed", error, finishedAt: now() })
          .where(
            inArray(
              automationRuns.id,
              group.map((entry) => entry.run.id),
            ),
          );
      return toAttempt;
    },
    {
      fresh: options.replay,
      now,
      settle: (result, finishedAt) =>
        result.ok
          ? { status: "succeeded", error: null, finishedAt }
          : { status: result.permanent ? "failed" : "retrying", error: result.error.slice(0, 2000), finishedAt: result.permanent ? finishedAt : null },
    },
  );
  for (const entry of failedNow) announceRun({ workspaceId: entry.run.workspaceId, runId: entry.run.id, status: "failed" });
  for (const { run, automation, outcome, workflowRunId } of attempted) {
    announceRun({ workspaceId: run.workspaceId, runId: run.id, status: outcome.ok ? "succeeded" : outcome.permanent ? "failed" : "retrying" });
    results.push({ automation, run, outcome, workflowRunId });
  }
  for (const { automation, run, outcome } of [...failedNow, ...attempted])
    if (!outcome.ok && outcome.permanent) await raiseRunFailed(automation, run, outcome.error);
  const ran = [...failedNow, ...results];
  const failures = ran.filter((result) => !result.outcome.ok) as { automation: Automation; outcome: { ok: false; error: string; permanent: boolean } }[];
  const workflowRunId = ran.find((result) => result.workflowRunId)?.workflowRunId ?? (await earlierWorkflowRun(ran.map((result) => result.run.id)));
  const names = ran.map((result) => `"${result.automation.name}"`).join(", ");
  if (failures.length === 0) return { note: `Ran ${ran.length === 1 ? "the automation" : `${ran.length} automations`} ${names}.`, workflowRunId };
  const error = failures.map((failure) => `${failure.automation.name}: ${failure.outcome.error}`).join("; ");
  return { note: `Ran ${names}.`, error, permanent: failures.every((failure) => failure.outcome.permanent), workflowRunId };
}

/** A workflow run one of these runs started in an earlier attempt (a delivery's page links it). */
async function earlierWorkflowRun(runIds: string[]): Promise<string | undefined> {
  const [step] = await db()
    .select({ workflowRunId: automationRunSteps.workflowRunId })
    .from(automationRunSteps)
    .where(and(inArray(automationRunSteps.runId, runIds), isNotNull(automationRunSteps.workflowRunId)))
    .limit(1);
  return step?.workflowRunId ?? undefined;
}

/** A delivery whose retries ended (used up, or cancelled): its runs that were waiting to retry fail with it. */
export async function failDeliveryRuns(deliveryId: number, reason: string): Promise<void> {
  await db()
    .update(automationRuns)
    .set({ status: "failed", error: reason, finishedAt: Date.now() })
    .where(
      and(eq(automationRuns.deliveryId, deliveryId), eq(automationRuns.trigger, "delivery"), inArray(automationRuns.status, ["retrying", "queued", "running"])),
    );
}
