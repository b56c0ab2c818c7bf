// The limiter types on their own, so the local bucket (rate-limit.ts) and the shared one (shared-rate-limit.ts) do not import each other.

/** Requests for one key (a provider and connection) at most `capacity` at once and `refillPerSecond` sustained. */
export type BucketOptions = { capacity: number; refillPerSecond: number };

/** What the HTTP client waits on before each attempt. */
export type RateLimiter = { acquire(signal?: AbortSignal): Promise<void> };
