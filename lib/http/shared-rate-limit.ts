import { reserveRateSlot } from "@/db/sql/rate-limits";
import type { BucketOptions, RateLimiter } from "./limiter";
import { abortError, sleep } from "./sleep";

/*
 * A rate limit every process of a PostgreSQL deployment shares, as GCRA (the generic cell rate
 * algorithm): the same limit as a token bucket of `capacity` tokens refilled at `refillPerSecond`,
 * kept as a single number per key, the theoretical arrival time (TAT) of the next request.
 *
 *   interval  T = 1000 / refillPerSecond  (ms between requests at the sustained rate)
 *   burst     B = capacity x T            (how far ahead of now the TAT may run)
 *   reserving at `now`:  TAT' = max(TAT, now) + T
 *   the request may go at TAT' - B, so it waits max(0, TAT' - B - now)
 *
 * An idle key (TAT in the past) lets `capacity` requests through at once, then one every T: in
 * any window of w ms at most capacity + w / T requests go. Every acquire reserves a slot in one
 * statement (db/sql/rate-limits.ts) and then waits for it in its own process, so the waiting
 * costs the database nothing. A caller that gives up while waiting leaves its slot unused: the
 * limit errs on the slow side, never the fast one.
 */

export type Schedule = { intervalMs: number; burstMs: number };

export function scheduleFor({ capacity, refillPerSecond }: BucketOptions): Schedule {
  const intervalMs = 1000 / refillPerSecond;
  return { intervalMs, burstMs: capacity * intervalMs };
}

/** The theoretical arrival time after one more request at `now` (undefined: a key never used). */
export function nextArrival(tat: number | undefined, now: number, { intervalMs }: Schedule): number {
  return Math.max(tat ?? now, now) + intervalMs;
}

/** How long the request whose reservation moved the arrival time to `tat` at `now` waits before it goes. */
export function waitForSlot(tat: number, now: number, { burstMs }: Schedule): number {
  return Math.max(0, tat - burstMs - now);
}

/** The limiter for one key on PostgreSQL: the state lives in rate_limits, so this object holds none. */
export class SharedRateLimiter implements RateLimiter {
  private readonly schedule: Schedule;

  constructor(
    private readonly key: string,
    options: BucketOptions,
  ) {
    this.schedule = scheduleFor(options);
  }

  /** Reserves a slot, then resolves when it comes; rejects if the signal aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    const { tat, now } = await reserveRateSlot(this.key, this.schedule.intervalMs);
    const waitMs = waitForSlot(tat, now, this.schedule);
    if (waitMs > 0) await sleep(waitMs, signal);
    else if (signal?.aborted) throw abortError(signal);
  }
}
