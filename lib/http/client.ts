import "server-only";
import { fetch as undiciFetch } from "undici";
import { limiterFor, type BucketOptions } from "./rate-limit";
import { backoffDelay, defaultRetry, isRetryableStatus, requestedWaitMs, type RetryOptions } from "./retry";
import { assertUrlAllowed, BlockedRequestError, guardedAgent } from "./ssrf";

export type HttpRequestOptions = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  timeoutMs?: number;
  retry?: Partial<RetryOptions> | false;
  rateLimit?: BucketOptions & { key: string };
  /** For user-given URLs: refuse private, loopback, link-local and metadata addresses, also after DNS and on redirects. */
  guard?: boolean;
  signal?: AbortSignal;
};

export type HttpResponse = { status: number; headers: Record<string, string>; body: unknown; durationMs: number; attempts: number };

/** The request could not be completed: network failure, timeout, or retries used up on 408/429/5xx. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    }, { once: true });
  });
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** One attempt, following redirects by hand when guarded so every hop is checked again. */
async function send(options: HttpRequestOptions, signal: AbortSignal): Promise<Response> {
  const body = options.body === undefined || typeof options.body === "string" ? (options.body as string | undefined) : JSON.stringify(options.body);
  const headers = { ...(typeof options.body === "object" && options.body !== null ? { "content-type": "application/json" } : {}), ...options.headers };
  if (!options.guard) return fetch(options.url, { method: options.method ?? "GET", headers, body, signal });
  let url = new URL(options.url);
  let method = options.method ?? "GET";
  let payload = body;
  for (let hop = 0; ; hop++) {
    assertUrlAllowed(url);
    const response = (await undiciFetch(url, { method, headers, body: payload, signal, redirect: "manual", dispatcher: guardedAgent() })) as unknown as Response;
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    if (hop >= MAX_REDIRECTS) throw new BlockedRequestError(`Stopped after ${MAX_REDIRECTS} redirects`);
    await response.body?.cancel();
    url = new URL(location, url);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      payload = undefined;
    }
  }
}

/**
 * The one outbound HTTP client: a timeout on every attempt, retries with exponential backoff and
 * full jitter on network errors, 408, 429 and 5xx (never on other 4xx), honouring Retry-After and
 * GitHub's rate-limit headers, and an optional per-key token bucket.
 */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const retry = options.retry === false ? { ...defaultRetry, maxAttempts: 1 } : { ...defaultRetry, ...options.retry };
  const limiter = options.rateLimit ? limiterFor(options.rateLimit.key, options.rateLimit) : undefined;
  const started = Date.now();
  let lastError: HttpError | undefined;
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    await limiter?.acquire(options.signal);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await send(options, signal);
    } catch (error) {
      if (error instanceof BlockedRequestError || (error as Error).cause instanceof BlockedRequestError) {
        throw error instanceof BlockedRequestError ? error : (error as Error).cause;
      }
      if (options.signal?.aborted) throw error;
      const reason = timeout.aborted ? `timed out after ${options.timeoutMs ?? 15_000} ms` : ((error as Error).cause as Error)?.message ?? (error as Error).message;
      lastError = new HttpError(`Request to ${new URL(options.url).host} failed: ${reason}`, undefined, attempt);
      if (attempt < retry.maxAttempts) await sleep(backoffDelay(attempt - 1, retry), options.signal);
      continue;
    }
    // GitHub answers an exhausted primary rate limit with 403 and x-ratelimit-remaining: 0.
    const rateLimited = response.status === 403 && response.headers.get("x-ratelimit-remaining") === "0";
    if ((!isRetryableStatus(response.status) && !rateLimited) || attempt === retry.maxAttempts) {
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await readBody(response), durationMs: Date.now() - started, attempts: attempt };
    }
    const requested = requestedWaitMs(response.headers, Date.now());
    await response.body?.cancel();
    if (requested !== undefined && requested > retry.maxWaitMs) {
      throw new HttpError(`${new URL(options.url).host} asked to wait ${Math.ceil(requested / 1000)} s (rate limited); not retrying`, response.status, attempt);
    }
    await sleep(requested ?? backoffDelay(attempt - 1, retry), options.signal);
  }
  throw lastError ?? new HttpError("Request failed", undefined, retry.maxAttempts);
}
