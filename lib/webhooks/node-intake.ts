import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "@/lib/platform";
import { acceptWebhook, METHOD_NOT_ALLOWED, type IntakeReply } from "./intake";
import { readMessageCapped } from "./read-body";

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

function write(response: ServerResponse, answer: IntakeReply): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body), ...answer.headers });
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
    return write(response, METHOD_NOT_ALLOWED);
  }
  try {
    const answer = await acceptWebhook({ ...target, headers: headersOf(request), readBody: (maxBytes, keepBytes, reservation) => readMessageCapped(request, maxBytes, keepBytes, reservation) });
    write(response, answer);
  } catch (error) {
    log.error("webhook intake failed", { provider: target.providerId, error: (error as Error).message });
    if (!response.headersSent) write(response, { status: 500, body: { error: { code: "internal_error", message: "The delivery could not be stored; send it again." } } });
  }
}
