import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { httpRequest, HttpError } from "@/lib/http/client";
import { TokenBucket } from "@/lib/http/rate-limit";
import { backoffDelay, isRetryableStatus, requestedWaitMs } from "@/lib/http/retry";

describe("retry schedule", () => {
  it("uses full jitter under an exponential cap", () => {
    const options = { baseDelayMs: 500, maxDelayMs: 8000 };
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0.999999))).toEqual([499, 999, 1999, 3999, 7999, 7999]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  it("retries only 408, 429 and 5xx", () => {
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
  });

  it("reads Retry-After (seconds and dates) and GitHub's rate-limit reset", () => {
    const now = Date.UTC(2026, 10, 24, 12, 0, 0);
    expect(requestedWaitMs(new Headers({ "retry-after": "7" }), now)).toBe(7000);
    expect(requestedWaitMs(new Headers({ "retry-after": new Date(now + 3000).toUTCString() }), now)).toBe(3000);
    expect(requestedWaitMs(new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 42) }), now)).toBe(42_000);
    expect(requestedWaitMs(new Headers({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": String(now / 1000 + 42) }), now)).toBeUndefined();
  });
});

describe("httpRequest retries (fake timers, fake fetch)", () => {
  const calls: number[] = [];
  let answers: (() => Response)[];

  beforeEach(() => {
    vi.useFakeTimers();
    calls.length = 0;
    vi.stubGlobal("fetch", async () => {
      calls.push(Date.now());
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      return next();
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  const json = (status: number, headers: Record<string, string> = {}) => () => new Response(JSON.stringify({ status }), { status, headers: { "content-type": "application/json", ...headers } });

  it("retries a 503 with backoff and returns the success", async () => {
    answers = [json(503), json(503), json(200)];
    const pending = httpRequest({ url: "https://api.example.test/x", retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 } });
    await vi.runAllTimersAsync();
    const response = await pending;
    expect(response).toMatchObject({ status: 200, attempts: 3, body: { status: 200 } });
    expect(calls).toHaveLength(3);
  });

  it("never retries a 404", async () => {
    answers = [json(404), json(200)];
    const response = await httpRequest({ url: "https://api.example.test/x" });
    expect(response).toMatchObject({ status: 404, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it("waits as long as Retry-After says on a 429", async () => {
    answers = [json(429, { "retry-after": "4" }), json(200)];
    const pending = httpRequest({ url: "https://api.example.test/x" });
    await vi.advanceTimersByTimeAsync(3999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
    expect(calls[1]! - calls[0]!).toBe(4000);
  });

  it("gives up rather than wait for a far-away GitHub rate-limit reset", async () => {
    answers = [json(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) })];
    await expect(httpRequest({ url: "https://api.github.test/x" })).rejects.toThrow(/asked to wait 3600 s/);
  });

  it("waits for a near GitHub rate-limit reset on a 403, then retries", async () => {
    answers = [json(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 5) }), json(200)];
    const pending = httpRequest({ url: "https://api.github.test/x" });
    await vi.advanceTimersByTimeAsync(6000);
    expect((await pending).status).toBe(200);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(4000);
  });

  it("retries network errors and reports the last one after the last attempt", async () => {
    answers = [];
    const pending = httpRequest({ url: "https://api.example.test/x", retry: { maxAttempts: 3 } }).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = (await pending) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.attempts).toBe(3);
    expect(calls).toHaveLength(3);
  });
});

describe("token bucket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("lets a burst through, then queues waiters fairly, one per refill, never going negative", async () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 });
    const released: [number, number][] = [];
    const start = Date.now();
    const waiters = [0, 1, 2, 3, 4].map((index) => bucket.acquire().then(() => released.push([index, Date.now() - start])));
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual([
      [0, 0],
      [1, 0],
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(released).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(released.at(-1)).toEqual([2, 1000]);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(waiters);
    expect(released).toEqual([
      [0, 0],
      [1, 0],
      [2, 1000],
      [3, 2000],
      [4, 3000],
    ]);
    expect(bucket.available()).toBeGreaterThanOrEqual(0);
  });

  it("never allows more than capacity + rate × window in any window", async () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 });
    const times: number[] = [];
    const start = Date.now();
    const all = Array.from({ length: 20 }, () => bucket.acquire().then(() => times.push(Date.now() - start)));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(all);
    for (const from of times) {
      const inWindow = times.filter((time) => time >= from && time < from + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(3 + 2);
    }
    expect(times.at(-1)).toBe(8500);
  });

  it("removes an aborted waiter from the queue", async () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 });
    await bucket.acquire();
    const controller = new AbortController();
    const aborted = bucket.acquire(controller.signal).catch((error: Error) => error.message);
    const next = bucket.acquire();
    controller.abort(new Error("gave up"));
    expect(await aborted).toBe("gave up");
    await vi.advanceTimersByTimeAsync(1000);
    await next; // the aborted waiter did not take the token
  });
});
