import { env } from "@/lib/platform";

/**
 * Milliseconds until the next try after `attempt` failed, with ±20% jitter; undefined when retries
 * are used up. Deliveries, forwards and alert notifications all follow this schedule.
 */
export function retryDelayMs(attempt: number, schedule = env().WEBHOOK_RETRY_SCHEDULE, random = Math.random): number | undefined {
  const seconds = schedule[attempt - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (0.8 + 0.4 * random()));
}

/**
 * Where an attempt leaves its item, in the table's words: done, due again after the schedule's delay
 * (`retryIn`), or failed once the schedule is used up (or at once, for a permanent failure).
 */
export function nextStep<S extends string>(
  attempt: number,
  outcome: { ok: boolean; permanent?: boolean },
  statuses: { done: S; retry: S; failed: S },
): { status: S; retryIn?: number } {
  if (outcome.ok) return { status: statuses.done };
  const retryIn = outcome.permanent ? undefined : retryDelayMs(attempt);
  return retryIn === undefined ? { status: statuses.failed } : { status: statuses.retry, retryIn };
}
