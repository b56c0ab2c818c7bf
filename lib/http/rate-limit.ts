/**
 * A token bucket that stays correct under concurrency: waiters queue in arrival order and each
 * is released by one token as tokens refill, so the bucket never goes negative and a burst of
 * callers cannot all slip through after a single sleep.
 */
export type BucketOptions = { capacity: number; refillPerSecond: number };

type Waiter = { resolve: () => void; reject: (error: Error) => void; signal?: AbortSignal; onAbort?: () => void };

export class TokenBucket {
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
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
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
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      if (!this.timer) this.drain();
    });
  }
}

const buckets = new Map<string, TokenBucket>();

/** The shared bucket for a key (provider and connection), created on first use. */
export function limiterFor(key: string, options: BucketOptions): TokenBucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new TokenBucket(options);
    buckets.set(key, bucket);
  }
  return bucket;
}
