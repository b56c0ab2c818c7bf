/** Exponential backoff with full jitter, and how long a server asked us to wait. */

export type RetryOptions = {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking to wait longer than this (Retry-After, a GitHub rate-limit reset) is not waited for. */
  maxWaitMs: number;
};

export const defaultRetry: RetryOptions = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxWaitMs: 30_000 };

/** Full jitter: a random delay between 0 and min(cap, base * 2^attempt) (attempt 0 is the first retry). */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt));
}

/** Only these are worth another try; any other 4xx means the request itself is wrong. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * How long the server asked us to wait, if it did: `Retry-After` (seconds or an HTTP date), or
 * GitHub's `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch seconds).
 */
export function requestedWaitMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}
