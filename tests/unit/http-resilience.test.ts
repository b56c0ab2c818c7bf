import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fetchThrough, httpRequest, HttpError } from "@/lib/http/client";
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
  const calls: { at: number; method: string }[] = [];
  let answers: ((init: RequestInit) => Response | Promise<Response>)[];
  const gaps = () => calls.slice(1).map((call, index) => call.at - calls[index]!.at);

  beforeEach(() => {
    vi.useFakeTimers();
    // Full jitter picks half the cap every time: delays of 500, 1000, 2000 ms with the defaults.
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    calls.length = 0;
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      calls.push({ at: Date.now(), method: init.method ?? "GET" });
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      return next(init);
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const json =
    (status: number, headers: Record<string, string> = {}) =>
    () =>
      new Response(JSON.stringify({ status }), { status, headers: { "content-type": "application/json", ...headers } });
  /** What Node's fetch throws when the connection fails (the code is on the cause). */
  const networkError = (code: string) => () => {
    throw new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ${code} 203.0.113.9:443`), { code }) });
  };
  /** A server that never answers: only the request's own timeout ends the wait. */
  const hang = () => (init: RequestInit) =>
    new Promise<Response>((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true }));

  it("retries a 503 with exponential backoff and full jitter, and returns the success", async () => {
    answers = [json(503), json(503), json(200)];
    const pending = httpRequest({ url: "https://api.example.test/x", retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 } });
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.runAllTimersAsync();
    const response = await pending;
    expect(response).toMatchObject({ status: 200, attempts: 3, body: { status: 200 } });
    expect(gaps()).toEqual([500, 1000]);
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
    expect(gaps()).toEqual([4000]);
  });

  it("gives up rather than wait for a far-away GitHub rate-limit reset", async () => {
    answers = [json(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) })];
    await expect(httpRequest({ url: "https://api.github.test/x" })).rejects.toThrow(/asked to wait 3600 s/);
  });

  it("waits for a near GitHub rate-limit reset on a 403, then retries", async () => {
    const reset = Math.floor(Date.now() / 1000) + 5;
    answers = [json(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }), json(200)];
    const pending = httpRequest({ url: "https://api.github.test/x" });
    await vi.advanceTimersByTimeAsync(6000);
    expect((await pending).status).toBe(200);
    expect(calls[1]!.at).toBe(reset * 1000);
  });

  it("retries network errors with backoff and reports the last one after the last attempt", async () => {
    answers = [];
    const pending = httpRequest({ url: "https://api.example.test/x", retry: { maxAttempts: 3 } }).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = (await pending) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.attempts).toBe(3);
    expect(gaps()).toEqual([250, 500]);
  });

  describe.each(["POST", "PATCH"])("%s (not idempotent)", (method) => {
    const request = (extra: Record<string, unknown> = {}) => httpRequest({ url: "https://api.example.test/things", method, body: { name: "x" }, ...extra });

    it.each([500, 502, 504])("is not sent again after a %i: the server may have acted on it", async (status) => {
      answers = [json(status), json(201)];
      const response = await request();
      expect(response).toMatchObject({ status, attempts: 1 });
      expect(calls).toHaveLength(1);
    });

    it("is not sent again after a timeout", async () => {
      answers = [hang(), json(201)];
      const pending = request({ timeoutMs: 2000 }).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(2000);
      const error = (await pending) as HttpError;
      expect(error).toBeInstanceOf(HttpError);
      expect(error.message).toBe("Request to api.example.test failed: timed out after 2000 ms");
      await vi.runAllTimersAsync();
      expect(calls).toHaveLength(1);
    });

    it("is not sent again after a reset connection", async () => {
      answers = [networkError("ECONNRESET"), json(201)];
      await expect(request()).rejects.toThrow(/ECONNRESET/);
      expect(calls).toHaveLength(1);
    });

    it("is sent again after a 429, as late as Retry-After says", async () => {
      answers = [json(429, { "retry-after": "2" }), json(201)];
      const pending = request();
      await vi.advanceTimersByTimeAsync(1999);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await pending).toMatchObject({ status: 201, attempts: 2 });
      expect(gaps()).toEqual([2000]);
      expect(calls.map((call) => call.method)).toEqual([method, method]);
    });

    it("is sent again after a 503 only when it carries Retry-After", async () => {
      answers = [json(503, { "retry-after": "3" }), json(201)];
      const pending = request();
      await vi.advanceTimersByTimeAsync(3000);
      expect(await pending).toMatchObject({ status: 201, attempts: 2 });
      expect(gaps()).toEqual([3000]);

      calls.length = 0;
      answers = [json(503), json(201)];
      expect(await request()).toMatchObject({ status: 503, attempts: 1 });
      expect(calls).toHaveLength(1);
    });

    it("is sent again after a 408, with backoff", async () => {
      answers = [json(408), json(201)];
      const pending = request();
      await vi.advanceTimersByTimeAsync(250);
      expect(await pending).toMatchObject({ status: 201, attempts: 2 });
      expect(gaps()).toEqual([250]);
    });

    it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"])("is sent again when the connection failed before sending (%s)", async (code) => {
      answers = [networkError(code), networkError(code), json(201)];
      const pending = request();
      await vi.runAllTimersAsync();
      expect(await pending).toMatchObject({ status: 201, attempts: 3 });
      expect(gaps()).toEqual([250, 500]);
    });

    it("is retried like GET when the caller says it is idempotent", async () => {
      answers = [json(500), json(200)];
      const pending = request({ idempotent: true });
      await vi.runAllTimersAsync();
      expect(await pending).toMatchObject({ status: 200, attempts: 2 });
    });
  });

  it("a GET that times out is retried, each attempt with its own timeout", async () => {
    answers = [hang(), hang(), json(200)];
    const pending = httpRequest({ url: "https://api.example.test/slow", timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // timed out; the retry follows after 250 ms
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await pending).toMatchObject({ status: 200, attempts: 3 });
    expect(gaps()).toEqual([1250, 1500]);
  });
});

describe("per-request timeout", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("aborts the request when timeoutMs passes, and says so", async () => {
    let signal: AbortSignal | undefined;
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      signal = init.signal!;
      return new Promise<Response>((_resolve, reject) => signal!.addEventListener("abort", () => reject(signal!.reason), { once: true }));
    });
    const pending = httpRequest({ url: "https://api.example.test/slow", timeoutMs: 3000, retry: false }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2999);
    expect(signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal!.aborted).toBe(true);
    expect(await pending).toMatchObject({ name: "HttpError", message: "Request to api.example.test failed: timed out after 3000 ms", attempts: 1 });
  });

  it("also bounds reading a response that stalls after its headers", async () => {
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{"));
          init.signal!.addEventListener("abort", () => controller.error(init.signal!.reason), { once: true });
        },
      });
      return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
    });
    const pending = httpRequest({ url: "https://api.example.test/stall", timeoutMs: 1000, retry: false }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toMatchObject({ name: "HttpError", message: "Reading the response from api.example.test failed: timed out after 1000 ms" });
  });

  it("defaults to 15 s", async () => {
    vi.stubGlobal(
      "fetch",
      (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true })),
    );
    const pending = httpRequest({ url: "https://api.example.test/slow", retry: false }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(14_999);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ message: expect.stringContaining("timed out after 15000 ms") });
  });
});

describe("fetchThrough (a fetch for SDKs such as Octokit)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("sends method, headers and body as given, retries by the same policy, and answers a whole Response", async () => {
    const seen: { method?: string; body?: unknown; accept?: string | null }[] = [];
    const answers = [
      new Response("busy", { status: 503, headers: { "retry-after": "1" } }),
      new Response('{"number":7}', { status: 201, headers: { "content-type": "application/json" } }),
    ];
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      seen.push({ method: init.method, body: init.body, accept: new Headers(init.headers).get("accept") });
      return answers.shift()!;
    });
    const fetchLike = fetchThrough({ timeoutMs: 5000 });
    const pending = fetchLike("https://api.github.test/repos/o/r/issues", {
      method: "POST",
      body: '{"title":"x"}',
      headers: { accept: "application/vnd.github+json" },
    });
    await vi.advanceTimersByTimeAsync(1000);
    const response = await pending;
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ number: 7 });
    expect(seen).toEqual([
      { method: "POST", body: '{"title":"x"}', accept: "application/vnd.github+json" },
      { method: "POST", body: '{"title":"x"}', accept: "application/vnd.github+json" },
    ]);
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
