import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log, ApiError } from "@/lib/platform";
import { acceptWebhook, CHALLENGE_HEADERS, METHOD_NOT_ALLOWED, verificationChallenge, type IntakeReply } from "./intake";
import { readCapped } from "@/lib/http";

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

function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * The request's body for readCapped. Stopping early drains the rest instead of destroying the
 * request, whose socket still carries the answer; a sender that goes away mid-body fails the read
 * (a read that never settled would hold intake's batch waiting for it).
 */
function bodyOf(message: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      const chunks: AsyncIterator<Uint8Array> = message.iterator({ destroyOnReturn: false });
      return {
        next: () =>
          chunks.next().catch((error: unknown) => {
            throw message.complete ? error : new Error("the sender closed the connection before the body ended");
          }),
        return: async () => {
          await chunks.return?.();
          message.resume();
          return { done: true, value: undefined };
        },
      };
    },
  };
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
      readBody: (maxBytes, keepBytes, reservation) =>
        readCapped(bodyOf(request), { maxBytes, keepBytes, reservation, declared: request.headers["content-length"] }),
    });
    write(response, answer);
  } catch (error) {
    log.error("webhook intake failed", { provider: target.providerId, error: (error as Error).message });
    if (!response.headersSent) write(response, { status: 500, body: new ApiError("internal_error", "The delivery could not be stored; send it again.").body });
  }
}
