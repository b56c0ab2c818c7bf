import { env } from "@/lib/platform/env";

/**
 * Milliseconds until the next try after `attempt` failed, with ±20% jitter; undefined when retries
 * are used up. Deliveries, forwards and alert notifications all follow this schedule.
 */
export function retryDelayMs(attempt: number, schedule = env().WEBHOOK_RETRY_SCHEDULE, random = Math.random): number | undefined {
  const seconds = schedule[attempt - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (0.8 + 0.4 * random()));
}
