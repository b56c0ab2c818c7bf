import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log, ApiError } from "@/lib/platform";
import { acceptWebhook, CHALLENGE_HEADERS, METHOD_NOT_ALLOWED, verificationChallenge, type IntakeReply } from "./intake";
import { cappedBytes, declaredTooLarge, type CapOptions, type CappedBody } from "@/lib/http";
import type { RequestHeaders } from "./signed-request";

const INTAKE_PATH = /^\/api\/webhooks\/([^/?#]+)(?:\/([^/?#]+))?\/?(?:\?.*)?$/;

/** The provider and endpoint a request URL names when it is a webhook intake URL. */
export function intakeTarget(url: string | undefined): { providerId: string; endpointId?: string } | undefined {
  const match = url ? INTAKE_PATH.exec(url) : null;
  if (!match) return undefined;
  try {
    return { providerId: decodeURIComponent(match[1]!), endpointId: match[2] === undefined ? undefined : decodeURIComponent(match[2]) };
  } catch {
    return { providerId: "", endpointId: undefined };
  }
}

/**
 * Node's parsed request headers (names lower-cased, repeated ones joined) read as a Web Headers
 * would give them: `get` case-insensitive, a repeated header's values joined with ", ", `forEach`
 * in name order. Copying them into a Headers validated each name and value again, which Node's
 * parser had done.
 */
function headersOf(message: IncomingMessage): RequestHeaders {
  const value = (raw: string | string[] | undefined) => (raw === undefined ? null : Array.isArray(raw) ? raw.join(", ") : raw);
  return {
    get: (name) => value(message.headers[name.toLowerCase()]),
    forEach(callback, thisArg) {
      for (const name of Object.keys(message.headers).sort()) {
        const found = value(message.headers[name]);
        if (found !== null) callback.call(thisArg, found, name, this as Headers);
      }
    },
  };
}

/**
 * Reads the request's body with readCapped's cap, keep and reservation (cappedBytes), on the
 * stream's own events: an async iterator over the request cost a promise and several callbacks per
 * chunk. Stopping early (over the cap, no room) drains the rest instead of destroying the request,
 * whose socket still carries the answer; a sender that goes away mid-body fails the read (a read
 * that never settled would hold intake's batch waiting for it).
 */
export function readRequestCapped(message: IncomingMessage, options: CapOptions): Promise<CappedBody> {
  const refused = declaredTooLarge(message.headers["content-length"], options.maxBytes);
  if (refused) {
    message.resume();
    return Promise.resolve(refused);
  }
  return new Promise((resolve, reject) => {
    const bytes = cappedBytes(options);
    // Once settled, what still arrives is read and dropped (the stream keeps flowing): the rest of a refused body is drained.
    let settled = false;
    // Listeners inline, not named: tsx names each named closure as it is made, a cost paid per request.
    message.on("data", (chunk: Buffer) => {
      if (settled) return;
      const ended = bytes.add(chunk);
      if (ended) {
        settled = true;
        resolve(ended);
      }
    });
    message.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(bytes.whole());
    });
    // Closed before its end: the sender went away mid-body (Node emits "error" on the request only while someone listens).
    for (const event of ["error", "close"] as const) {
      message.on(event, (error?: Error) => {
        if (settled) return;
        settled = true;
        reject(message.complete && error ? error : new Error("the sender closed the connection before the body ended"));
      });
    }
  });
}

function write(response: ServerResponse, answer: IntakeReply): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    ...answer.headers,
  });
  response.end(body);
}

/**
 * Webhook intake straight on Node's request and response, ahead of Next's router: the same
 * acceptWebhook as the route handlers (verify, commit, then acknowledge), without the cost of
 * Next's request pipeline, which is most of the work at a few thousand deliveries a second.
 */
export async function handleIntake(request: IncomingMessage, response: ServerResponse, target: { providerId: string; endpointId?: string }): Promise<void> {
  if (request.method !== "POST") {
    request.resume();
    const challenge =
      request.method === "GET" ? verificationChallenge(target.providerId, new URL(request.url ?? "/", "http://intake").searchParams) : undefined;
    if (challenge !== undefined) return void response.writeHead(200, CHALLENGE_HEADERS).end(challenge);
    return write(response, METHOD_NOT_ALLOWED);
  }
  try {
    const answer = await acceptWebhook({
      ...target,
      headers: headersOf(request),
      readBody: (maxBytes, keepBytes, reservation) => readRequestCapped(request, { maxBytes, keepBytes, reservation }),
    });
    write(response, answer);
  } catch (error) {
    log.error("webhook intake failed", { provider: target.providerId, error: (error as Error).message });
    if (!response.headersSent) write(response, { status: 500, body: new ApiError("internal_error", "The delivery could not be stored; send it again.").body });
  }
}
