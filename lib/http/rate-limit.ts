import { usingPostgres } from "@/db/client";
import type { BucketOptions, RateLimiter } from "./limiter";
import { SharedRateLimiter } from "./shared-rate-limit";
import { abortError } from "./sleep";

export type { BucketOptions, RateLimiter };

type Waiter = { resolve: () => void; reject: (error: Error) => void; signal?: AbortSignal; onAbort?: () => void };

/**
 * A token bucket in this process's memory (SQLite's one process) that stays correct under
 * concurrency: waiters queue in arrival order and each is released by one token as tokens refill,
 * so the bucket never goes negative and a burst of callers cannot all slip through after a single sleep.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.capacity;
    this.refilledAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.options.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.options.refillPerSecond);
    this.refilledAt = now;
  }

  /** Tokens available now (for tests and diagnostics). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private drain(): void {
    this.timer = undefined;
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const waiter = this.queue.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve();
    }
    if (this.queue.length > 0) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.options.refillPerSecond) * 1000);
      this.timer = setTimeout(() => this.drain(), waitMs);
    }
  }

  /** Resolves when a token is taken; rejects if the signal aborts first (the waiter leaves the queue). */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(abortError(signal));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      if (!this.timer) this.drain();
    });
  }
}

const buckets = new Map<string, TokenBucket>();

/** This process's bucket for a key, created on first use (what `limiterFor` hands out on SQLite). */
export function localBucketFor(key: string, options: BucketOptions): TokenBucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new TokenBucket(options);
    buckets.set(key, bucket);
  }
  return bucket;
}

/**
 * The limiter for a key. On SQLite there is one process, so its in-memory bucket is the whole
 * limit. On PostgreSQL several processes call the same provider for the same connection, so the
 * limit lives in the database (lib/http/shared-rate-limit.ts) and holds for all of them together.
 */
export function limiterFor(key: string, options: BucketOptions): RateLimiter {
  return usingPostgres() ? new SharedRateLimiter(key, options) : localBucketFor(key, options);
}
