import "server-only";
import { fetch as undiciFetch } from "undici";
import { env, inSpan, recordOutboundCall, SpanKind, SpanStatusCode, type Span } from "@/lib/platform";
import { attachCredential, withoutCredentialHeaders, type BoundCredential } from "./credential";
import { readLimited, ResponseTooLargeError } from "./limited-body";
import { assertNoMethodOverride } from "./method-override";
import { limiterFor, type BucketOptions } from "./rate-limit";
import { backoffDelay, defaultRetry, isRetryableStatus, requestedWaitMs, type RetryOptions } from "./retry";
import { sleep } from "./sleep";
import { assertUrlAllowed, BlockedRequestError, guardedAgent } from "./ssrf";

export type HttpRequestOptions = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** A string or bytes (Uint8Array, ArrayBuffer, Blob, URLSearchParams) are sent as they are; anything else as JSON. */
  body?: unknown;
  /** Per attempt: from sending the request to the last byte of the response. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions> | false;
  rateLimit?: BucketOptions & { key: string };
  /** For user-given URLs: refuse private, loopback, link-local and metadata addresses, also after DNS and on redirects. */
  guard?: boolean;
  /** A credential the client attaches itself, only on hops to the origins it is bound to (see BoundCredential). */
  credential?: BoundCredential;
  /** The largest response body read; a larger one is refused while streaming (ResponseTooLargeError). Default TOOL_RESPONSE_MAX_BYTES. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * Whether sending this request twice is harmless. Defaults by method: true for GET, HEAD,
   * OPTIONS, PUT and DELETE; false for POST and PATCH (creating a channel, a project or an issue).
   * A request that is not idempotent is retried only when the server certainly did not act on it:
   * 408, 429, a rate-limited GitHub 403, a 503 with Retry-After, or a connection that was refused
   * or whose host name did not resolve. Never after a timeout, a reset connection, or a 500/502/504.
   * Pass true for a POST that only reads (a search, a GraphQL query).
   */
  idempotent?: boolean;
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
const DEFAULT_TIMEOUT_MS = 15_000;
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** Failures to connect at all: nothing of the request left this process, so sending it again is safe. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function failedBeforeSending(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  // Happy eyeballs: one AggregateError for every address tried; all of them must have failed to connect.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => failedBeforeSending(inner, depth + 1))) return true;
  return failedBeforeSending(cause, depth + 1);
}

/** GitHub answers an exhausted primary rate limit (x-ratelimit-remaining: 0) or a secondary one (Retry-After) with 403. */
function githubRateLimited(status: number, headers: Headers): boolean {
  return status === 403 && (headers.get("x-ratelimit-remaining") === "0" || headers.has("retry-after"));
}

/** Answers that mean the server turned the request away before acting on it. */
function refusedUnprocessed(status: number, headers: Headers): boolean {
  return status === 408 || status === 429 || (status === 503 && headers.has("retry-after")) || githubRateLimited(status, headers);
}

async function readBody(response: Response, limit: number): Promise<unknown> {
  const text = (await readLimited(response, limit)).toString("utf8");
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

function isRawBody(body: unknown): body is string | Uint8Array | ArrayBuffer | Blob | URLSearchParams {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob || body instanceof URLSearchParams;
}

/**
 * One attempt, following redirects by hand so that every hop is checked: against the SSRF guard
 * when guarded, and for the bound credential, which only goes to its own origins. Like fetch,
 * Authorization, Proxy-Authorization and Cookie headers are not carried to another origin.
 */
async function send(options: HttpRequestOptions, signal: AbortSignal): Promise<Response> {
  const asJson = options.body !== undefined && options.body !== null && !isRawBody(options.body);
  const body = options.body === undefined || options.body === null ? undefined : asJson ? JSON.stringify(options.body) : (options.body as BodyInit);
  const given = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  let headers: Record<string, string> = { ...(asJson ? { "content-type": "application/json" } : {}), ...given };
  let url = new URL(options.url);
  const origin = url.origin;
  let method = options.method ?? "GET";
  let payload = body;
  for (let hop = 0; ; hop++) {
    if (options.guard) assertUrlAllowed(url);
    const target = attachCredential(options.credential, url, headers, hop === 0);
    const init = { method, headers: target.headers, body: payload as string | undefined, signal, redirect: "manual" as const };
    const response = options.guard
      ? ((await undiciFetch(target.url, { ...init, dispatcher: guardedAgent() })) as unknown as Response)
      : await fetch(target.url, init);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    if (hop >= MAX_REDIRECTS) throw new BlockedRequestError(`Stopped after ${MAX_REDIRECTS} redirects`);
    await response.body?.cancel();
    url = new URL(location, url);
    if (url.origin !== origin) headers = withoutCredentialHeaders(headers);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      payload = undefined;
    }
  }
}

type Exchanged<T> = { value: T; response: Response; attempts: number; durationMs: number };

/**
 * The policy every outbound request follows: a timeout on every attempt (reading the response
 * included), retries with exponential backoff and full jitter on network errors, 408, 429 and 5xx
 * (never on other 4xx; for POST and PATCH only when the server certainly did not act, see
 * `idempotent`), honouring Retry-After and GitHub's rate-limit headers, and an optional per-key
 * token bucket. `read` consumes the final response inside its attempt's timeout.
 */
async function exchange<T>(options: HttpRequestOptions, read: (response: Response) => Promise<T>): Promise<Exchanged<T>> {
  assertNoMethodOverride(options.headers);
  const url = new URL(options.url);
  const method = (options.method ?? "GET").toUpperCase();
  // The span names the host, never the path or query (a hook URL's path or an API key in the query is a secret), headers or bodies.
  const attributes = {
    "http.request.method": method,
    "server.address": url.hostname,
    "server.port": Number(url.port) || (url.protocol === "https:" ? 443 : 80),
    "url.scheme": url.protocol.replace(":", ""),
  };
  return inSpan(`${method} ${url.hostname}`, { kind: SpanKind.CLIENT, attributes }, (span) => counted(options, read, url.host, span));
}

/** `exchange` counted (metrics) and its span completed: the status, the attempts made, or the failure's class. */
async function counted<T>(options: HttpRequestOptions, read: (response: Response) => Promise<T>, host: string, span: Span): Promise<Exchanged<T>> {
  try {
    const exchanged = await attempts(options, read);
    recordOutboundCall(host, exchanged.response.status);
    span.setAttributes({ "http.response.status_code": exchanged.response.status, "http.request.resend_count": exchanged.attempts - 1 });
    if (exchanged.response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    return exchanged;
  } catch (error) {
    // A refusal by the SSRF guard sent nothing; the rest failed on the way or in reading.
    if (!(error instanceof BlockedRequestError)) recordOutboundCall(host, error instanceof HttpError && error.status !== undefined ? error.status : "error");
    if (error instanceof HttpError && error.status !== undefined) span.setAttribute("http.response.status_code", error.status);
    span.setAttribute("error.type", (error as Error)?.name ?? "Error");
    throw error;
  }
}

/** `exchange` without the count: the attempts themselves. */
async function attempts<T>(options: HttpRequestOptions, read: (response: Response) => Promise<T>): Promise<Exchanged<T>> {
  const retry = options.retry === false ? { ...defaultRetry, maxAttempts: 1 } : { ...defaultRetry, ...options.retry };
  const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has((options.method ?? "GET").toUpperCase());
  const limiter = options.rateLimit ? limiterFor(options.rateLimit.key, options.rateLimit) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const host = new URL(options.url).host;
  const started = Date.now();
  let lastError: HttpError | undefined;
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    const last = attempt === retry.maxAttempts;
    await limiter?.acquire(options.signal);
    // A timer of our own rather than AbortSignal.timeout, so that fake timers drive it in tests.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
      let response: Response;
      try {
        response = await send(options, signal);
      } catch (error) {
        if (error instanceof BlockedRequestError || (error as Error).cause instanceof BlockedRequestError) {
          throw error instanceof BlockedRequestError ? error : (error as Error).cause;
        }
        if (options.signal?.aborted) throw error;
        const reason = timeout.signal.aborted ? `timed out after ${timeoutMs} ms` : (((error as Error).cause as Error)?.message ?? (error as Error).message);
        lastError = new HttpError(`Request to ${host} failed: ${reason}`, undefined, attempt);
        // After a timeout or a reset the server may have acted on the request: send it again only if that is harmless.
        if (!idempotent && (timeout.signal.aborted || !failedBeforeSending(error))) throw lastError;
        clearTimeout(timer);
        if (!last) await sleep(backoffDelay(attempt - 1, retry), options.signal);
        continue;
      }
      const retryable = idempotent
        ? isRetryableStatus(response.status) || githubRateLimited(response.status, response.headers)
        : refusedUnprocessed(response.status, response.headers);
      if (!retryable || last) {
        let value: T;
        try {
          value = await read(response);
        } catch (error) {
          if (options.signal?.aborted || error instanceof ResponseTooLargeError) throw error;
          const reason = timeout.signal.aborted ? `timed out after ${timeoutMs} ms` : (error as Error).message;
          throw new HttpError(`Reading the response from ${host} failed: ${reason}`, response.status, attempt);
        }
        return { value, response, attempts: attempt, durationMs: Date.now() - started };
      }
      const requested = requestedWaitMs(response.headers, Date.now());
      await response.body?.cancel();
      if (requested !== undefined && requested > retry.maxWaitMs) {
        throw new HttpError(`${host} asked to wait ${Math.ceil(requested / 1000)} s (rate limited); not retrying`, response.status, attempt);
      }
      clearTimeout(timer);
      await sleep(requested ?? backoffDelay(attempt - 1, retry), options.signal);
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError ?? new HttpError("Request failed", undefined, retry.maxAttempts);
}

/** The one outbound HTTP client (see `exchange` for the policy), answering the parsed body. */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const limit = options.maxResponseBytes ?? env().TOOL_RESPONSE_MAX_BYTES;
  const { value, response, attempts, durationMs } = await exchange(options, (answer) => readBody(answer, limit));
  return { status: response.status, headers: Object.fromEntries(response.headers), body: value, durationMs, attempts };
}

/**
 * httpRequest answering the body as the bytes that arrived, never parsed: for a large document that
 * is handed on as it is (an OpenAPI description goes to its parser process), where parsing JSON here
 * would hold it several times over on the server's heap.
 */
export async function httpRequestBytes(options: HttpRequestOptions): Promise<Omit<HttpResponse, "body"> & { body: Buffer }> {
  const limit = options.maxResponseBytes ?? env().TOOL_RESPONSE_MAX_BYTES;
  const { value, response, attempts, durationMs } = await exchange(options, (answer) => readLimited(answer, limit));
  return { status: response.status, headers: Object.fromEntries(response.headers), body: value, durationMs, attempts };
}

export type FetchPolicy = Omit<HttpRequestOptions, "url" | "method" | "headers" | "body" | "signal">;
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A fetch-compatible function that sends every request through the same policy as httpRequest
 * (timeout, retries, Retry-After and rate-limit headers, token bucket), for SDKs that take a
 * custom fetch (Octokit's `request.fetch`). The body of the answer is read within the timeout and
 * the size limit and handed back whole; a request that finally fails rejects with HttpError.
 */
export function fetchThrough(policy: FetchPolicy): FetchLike {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input.toString();
    const method = init.method ?? request?.method ?? "GET";
    const headers = Object.fromEntries(new Headers(init.headers ?? request?.headers));
    let body: unknown = init.body ?? (request?.body ? await request.arrayBuffer() : undefined);
    if (body instanceof ReadableStream) throw new Error("fetchThrough cannot resend a streamed request body");
    if (body !== undefined && body !== null && !isRawBody(body)) body = String(body);
    const { value, response } = await exchange(
      { ...policy, url, method, headers, body: body ?? undefined, signal: init.signal ?? request?.signal ?? undefined },
      (answer) => readLimited(answer, policy.maxResponseBytes ?? env().TOOL_RESPONSE_MAX_BYTES),
    );
    const whole = new Response(response.status === 204 || response.status === 205 || response.status === 304 ? null : value, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(whole, "url", { value: response.url });
    return whole;
  };
}
