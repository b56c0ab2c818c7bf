import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { usingPostgres } from "@/db/client";
import { reserveRateSlot } from "@/db/sql/rate-limits";
import { limiterFor, TokenBucket } from "@/lib/http/rate-limit";
import { nextArrival, scheduleFor, SharedRateLimiter, waitForSlot, type Schedule } from "@/lib/http/shared-rate-limit";
import { startWorker } from "../support/worker-process";

/** When each request of a sequence arriving at `arrivals` (ms) may go, reserved one after another as rate_limits does. */
function grants(arrivals: number[], schedule: Schedule): number[] {
  let tat: number | undefined;
  return arrivals.map((now) => {
    tat = nextArrival(tat, now, schedule);
    return now + waitForSlot(tat, now, schedule);
  });
}

describe("GCRA reservations (the math the shared limit runs in SQL)", () => {
  const schedule = scheduleFor({ capacity: 5, refillPerSecond: 10 });

  it("turn capacity and refill into an interval and a burst", () => {
    expect(schedule).toEqual({ intervalMs: 100, burstMs: 500 });
    expect(scheduleFor({ capacity: 1, refillPerSecond: 3 }).intervalMs).toBeCloseTo(1000 / 3, 9);
  });

  it("let a burst of capacity through at once, then one per interval", () => {
    expect(grants(Array(8).fill(1000), schedule)).toEqual([1000, 1000, 1000, 1000, 1000, 1100, 1200, 1300]);
  });

  it("refill while the key is idle, never beyond capacity", () => {
    // Five at 0 empty the bucket; by 250 two and a half have come back; by 10 s it is full again (five, not a hundred).
    const arrivals = [0, 0, 0, 0, 0, 250, 250, 250, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000];
    expect(grants(arrivals, schedule)).toEqual([0, 0, 0, 0, 0, 250, 250, 300, 10_000, 10_000, 10_000, 10_000, 10_000, 10_100]);
  });

  it("grant when a token bucket of the same size grants", async () => {
    // The in-memory bucket (SQLite's) on fake timers, asked at the same moments.
    vi.useFakeTimers({ now: 0 });
    try {
      const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 10 });
      const arrivals = [0, 0, 0, 30, 60, 70, 400, 410, 420, 430, 440, 450, 460, 2000];
      const granted: number[] = [];
      const all: Promise<unknown>[] = [];
      for (const [index, arrival] of arrivals.entries()) {
        await vi.advanceTimersByTimeAsync(arrival - Date.now());
        all.push(bucket.acquire().then(() => (granted[index] = Date.now())));
      }
      await vi.advanceTimersByTimeAsync(5000);
      await Promise.all(all);
      const expected = grants(arrivals, schedule);
      expect(expected.filter((grant, index) => grant > arrivals[index]!).length).toBeGreaterThan(3);
      // The bucket's timers round up to the millisecond.
      granted.forEach((time, index) => expect(time - expected[index]!, `request ${index}`).toBeOneOf([0, 1]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("never let more than capacity + rate x window through, for any arrivals and limits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 3000 }),
        (capacity, refillPerSecond, unsorted, windowMs) => {
          const limits = scheduleFor({ capacity, refillPerSecond });
          const times = grants(
            [...unsorted].sort((a, b) => a - b),
            limits,
          );
          // Granted in order, never before arrival...
          for (let index = 1; index < times.length; index++) expect(times[index]!).toBeGreaterThanOrEqual(times[index - 1]!);
          // ...and in any window starting at a grant, at most capacity + window / interval (a float's breadth of slack).
          for (const from of times) {
            const inWindow = times.filter((time) => time >= from && time < from + windowMs).length;
            expect(inWindow).toBeLessThanOrEqual(capacity + windowMs / limits.intervalMs + 1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe.runIf(usingPostgres())("shared rate limits on PostgreSQL", () => {
  it("reserve one slot per request, atomically, when many connections reserve at once", async () => {
    // One request per 2 s, so all of them arrive within the first interval.
    const limits = scheduleFor({ capacity: 5, refillPerSecond: 0.5 });
    const reserved = await Promise.all(Array.from({ length: 12 }, () => reserveRateSlot("atomic", limits.intervalMs)));
    const sorted = [...reserved].sort((a, b) => a.tat - b.tat);
    const first = sorted[0]!;
    // Twelve distinct slots, one interval apart: no two racing statements read the same arrival time.
    sorted.forEach(({ tat }, index) => expect(tat - first.tat).toBeCloseTo(index * limits.intervalMs, 3));
    // The first found the key unused: its slot is one interval after the clock it reserved at
    // (`now` is read at the end of the statement, a little later: waits count from there).
    expect(first.tat - first.now).toBeLessThanOrEqual(limits.intervalMs);
    expect(first.tat - first.now).toBeGreaterThan(limits.intervalMs - 1000);
    const waits = sorted.map(({ tat, now }) => waitForSlot(tat, now, limits));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // The sixth waits one interval from the first reservation, the seventh two...: less what has passed since.
    for (const [index, wait] of waits.slice(5).entries()) {
      expect(wait).toBeLessThanOrEqual((index + 1) * limits.intervalMs);
      expect(wait).toBeGreaterThan(index * limits.intervalMs);
    }
  });

  it("let a waiting caller give up, at once", async () => {
    const limiter = new SharedRateLimiter("abort", { capacity: 1, refillPerSecond: 0.2 });
    await limiter.acquire();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("request cancelled")), 50);
    await expect(limiter.acquire(controller.signal)).rejects.toThrow("request cancelled");
    expect(Date.now() - started).toBeLessThan(4000);
    await expect(limiter.acquire(AbortSignal.abort(new Error("already gone")))).rejects.toThrow("already gone");
  });

  it("hold three processes together to one limit: capacity at once, then the refill rate", async () => {
    const [capacity, refillPerSecond, perWorker] = [5, 10, 10];
    const intervalMs = 1000 / refillPerSecond;
    const workers = await Promise.all(
      [1, 2, 3].map(() =>
        startWorker<{ granted: number[] }>(
          "tests/support/limiter-worker.ts",
          ["github:shared", String(capacity), String(refillPerSecond), String(perWorker)],
          "limiter worker ready",
        ),
      ),
    );
    const start = Date.now();
    for (const worker of workers) worker.go();
    const granted = (await Promise.all(workers.map((worker) => worker.result))).flatMap((result) => result.granted).sort((a, b) => a - b);
    expect(granted).toHaveLength(3 * perWorker);
    // Grants are never early: by any moment t at most capacity + (t - start) / interval have gone
    // (the k-th grant no sooner than (k - capacity) intervals after the start; 2 ms for timer rounding).
    // Three buckets of their own would let 15 through at once and finish in a third of the time.
    granted.forEach((time, index) => expect(time - start, `grant ${index + 1}`).toBeGreaterThanOrEqual((index + 1 - capacity) * intervalMs - 2));
    expect(granted.filter((time) => time < start + 250).length).toBeLessThanOrEqual(capacity + 2);
    // And the limit is not slower than it says (generously: these processes share two cores).
    expect(granted.at(-1)! - start).toBeLessThan((3 * perWorker - capacity) * intervalMs + 5000);
  }, 90_000);

  it("are what the HTTP client gets on PostgreSQL", () => {
    expect(limiterFor("github:client", { capacity: 1, refillPerSecond: 1 })).toBeInstanceOf(SharedRateLimiter);
  });
});

describe.runIf(!usingPostgres())("rate limits on SQLite", () => {
  it("stay in this process's memory, one bucket per key", () => {
    const limiter = limiterFor("github:local", { capacity: 1, refillPerSecond: 1 });
    expect(limiter).toBeInstanceOf(TokenBucket);
    expect(limiterFor("github:local", { capacity: 1, refillPerSecond: 1 })).toBe(limiter);
  });
});
