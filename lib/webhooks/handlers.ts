import type { DeliveryRow } from "./deliveries";

/** What processing a delivery means: start a workflow, or record the event (the row is the record). */
export type DeliveryAction = { kind: "workflow"; workflowId: string } | { kind: "record" };

export type HandlerRule = { providerId: string; event: string; action: DeliveryAction; description: string };

/** The mapping from (provider, event) to processing, as data; the Webhooks page shows it. First match wins. */
export const deliveryRules: HandlerRule[] = [
  {
    providerId: "github",
    event: "push",
    action: { kind: "workflow", workflowId: "process-github-push" },
    description: "Record the branch and commits; open an issue for TODO: commits.",
  },
  {
    providerId: "github",
    event: "pull_request",
    action: { kind: "workflow", workflowId: "triage-pull-request" },
    description: "Label the pull request by the paths it changes.",
  },
  { providerId: "github", event: "ping", action: { kind: "record" }, description: "GitHub checking the hook: recorded." },
  { providerId: "github", event: "*", action: { kind: "record" }, description: "Recorded." },
  { providerId: "stripe", event: "*", action: { kind: "record" }, description: "Recorded." },
  { providerId: "slack", event: "*", action: { kind: "record" }, description: "Recorded." },
  { providerId: "*", event: "*", action: { kind: "record" }, description: "Recorded." },
];

export function ruleFor(delivery: Pick<DeliveryRow, "providerId" | "event">): HandlerRule {
  return deliveryRules.find(
    (rule) => (rule.providerId === "*" || rule.providerId === delivery.providerId) && (rule.event === "*" || rule.event === delivery.event),
  )!;
}

/**
 * A delivery that can never be processed as sent (a payload that does not parse, or does not fit the
 * workflow's input): retrying cannot help, so the dispatcher marks it failed at once with this reason.
 */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}

/** `error` marks the attempt failed (it is retried) while still recording the workflow run it started. */
export type HandlerOutcome = { note?: string; workflowRunId?: string; error?: string };
export type DeliveryHandler = (delivery: DeliveryRow) => Promise<HandlerOutcome>;

/** Runs a workflow for a delivery to its end; lib/server/startup.ts hands the dispatcher the one in lib/webhooks/webhook-trigger.ts. */
export type WorkflowStarter = (workflowId: string, delivery: DeliveryRow) => Promise<{ runId: string; error?: string } | undefined>;

/** The default handler: follows the rules above, starting workflows with `startWorkflow` (none: the event is recorded). */
export async function handleDelivery(delivery: DeliveryRow, startWorkflow?: WorkflowStarter): Promise<HandlerOutcome> {
  const rule = ruleFor(delivery);
  if (rule.action.kind === "record") return { note: rule.description };
  const started = startWorkflow ? await startWorkflow(rule.action.workflowId, delivery) : undefined;
  if (!started) return { note: `Workflow ${rule.action.workflowId} is not available on this instance; the event was recorded.` };
  if (started.error) return { workflowRunId: started.runId, error: `Workflow ${rule.action.workflowId} failed: ${started.error}` };
  return { workflowRunId: started.runId, note: `Workflow ${rule.action.workflowId} succeeded.` };
}
