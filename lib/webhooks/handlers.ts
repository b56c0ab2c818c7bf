import type { DeliveryRow } from "./deliveries";

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
