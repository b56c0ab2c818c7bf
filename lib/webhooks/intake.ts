import "server-only";
import { createHash } from "node:crypto";
import { instanceOwnerId, intakeWriter, keptInstanceOwnerId, type IntakeWriter } from "@/db/sql/intake";
import { DEFAULT_WORKSPACE_ID } from "@/db/schema";
import { readPath } from "@/lib/connections";
import {
  env,
  ApiError,
  currentTraceparent,
  inSpan,
  observeIntake,
  recordDeliveryReceived,
  recordDeliveryRefused,
  SpanKind,
  TraceAttributes,
  type ErrorCode,
  type Span,
} from "@/lib/platform";
import { getProvider, type Provider } from "@/lib/providers";
import { instanceSecrets, intakeEndpoint, type IntakeEndpoint } from "./endpoints";
import { announce } from "./events";
import type { NewDelivery } from "./deliveries";
import { INTAKE_BUSY_RETRY_AFTER_SECONDS, reserveIntakeBody, type BodyReservation } from "./intake-budget";
import { deliveryPayload } from "./payload";
import { readCapped, type CappedBody } from "@/lib/http";
import { redactHeaders } from "./redact";
import { handshakeAnswer } from "./signatures";
import type { RequestHeaders } from "./signed-request";
import { verifyDelivery } from "./verify";
import { wakeDispatcher } from "./wake";

const REFUSAL_BODY_BYTES = 8192;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type Target = { provider: Provider & { webhooks: NonNullable<Provider["webhooks"]> }; workspaceId: string; endpointId: string | null; secrets: string[] };

/** What intake answers; the Next route handler and the server's fast path each write it their way. */
export type IntakeReply = { status: number; body: unknown; headers?: Record<string, string> };

/** A delivery as it arrives: the URL's provider and endpoint, the headers, and a way to read the body with a cap, within the budget. */
export type IntakeRequest = {
  providerId: string;
  endpointId?: string;
  headers: RequestHeaders;
  readBody: (maxBytes: number, keepBytes: number, reservation: BodyReservation) => Promise<CappedBody>;
};

function reply(status: number, body: unknown, headers?: Record<string, string>): IntakeReply {
  return { status, body, headers };
}

/** An ApiError as intake's reply: the same status, body and headers a route handler would answer. */
function errorReply(error: ApiError): IntakeReply {
  return reply(error.status, error.body, error.options.headers);
}

function refuse(code: ErrorCode, message: string): IntakeReply {
  return errorReply(new ApiError(code, message));
}

/** No room in WEBHOOK_INTAKE_MAX_BUFFERED_BYTES for this body: nothing read or stored, the sender asked to come back. */
const BUSY: IntakeReply = errorReply(
  new ApiError("intake_busy", "Too many webhook bodies are being received at once; send this one again shortly.", {
    headers: { "retry-after": String(INTAKE_BUSY_RETRY_AFTER_SECONDS) },
  }),
);

/** Intake only takes POST; the other methods get this. */
export const METHOD_NOT_ALLOWED: IntakeReply = errorReply(new ApiError("method_not_allowed", "Webhook URLs accept POST only.", { headers: { allow: "POST" } }));

export function toResponse(answer: IntakeReply): Response {
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store", ...answer.headers } });
}

/** Route modules export this for the methods other than POST. */
export function methodNotAllowed(): Response {
  return toResponse(METHOD_NOT_ALLOWED);
}

/**
 * Dropbox checks a webhook URL with `GET ?challenge=<random>` and wants the value echoed back as
 * text (with nosniff), before it sends anything signed. Only senders of the dropbox scheme get
 * this answer; every other GET is refused as before. Undefined: not such a request.
 */
export function verificationChallenge(providerId: string, query: URLSearchParams): string | undefined {
  if (getProvider(providerId)?.webhooks?.scheme !== "dropbox") return undefined;
  const challenge = query.get("challenge");
  return challenge && /^[\w-]{1,256}$/.test(challenge) ? challenge : undefined;
}

export const CHALLENGE_HEADERS = { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" };

/** GET on an intake URL, as the route handlers answer it. */
export function receiveGet(request: Request, providerId: string): Response {
  const challenge = verificationChallenge(providerId, new URL(request.url).searchParams);
  return challenge === undefined ? methodNotAllowed() : new Response(challenge, { status: 200, headers: CHALLENGE_HEADERS });
}

/**
 * The endpoint a URL names, or undefined (404): an unknown provider, endpoint, or an unconfigured
 * instance URL. An endpoint or an instance owner intake kept a moment ago is answered at once,
 * without a promise to wait for; the rest are looked up.
 */
function resolveTarget(providerId: string, endpointId: string | undefined): Target | undefined | Promise<Target | undefined> {
  const provider = getProvider(providerId);
  if (!provider?.webhooks) return undefined;
  const webhookProvider = provider as Target["provider"];
  if (endpointId !== undefined) {
    const toEndpoint = (endpoint: IntakeEndpoint | undefined): Target | undefined =>
      endpoint && { provider: webhookProvider, workspaceId: endpoint.workspaceId, endpointId: endpoint.id, secrets: endpoint.secrets };
    const found = intakeEndpoint(providerId, endpointId);
    return found instanceof Promise ? found.then(toEndpoint) : toEndpoint(found);
  }
  const secrets = instanceSecrets(provider);
  if (secrets.length === 0) return undefined;
  // Instance-wide URLs deliver to the default workspace, once the instance has its owner.
  const toInstance = (owner: string | undefined): Target | undefined =>
    owner ? { provider: webhookProvider, workspaceId: DEFAULT_WORKSPACE_ID, endpointId: null, secrets } : undefined;
  const kept = keptInstanceOwnerId();
  return kept ? toInstance(kept) : instanceOwnerId().then(toInstance);
}

function field(source: { header?: string; path?: string; value?: string } | undefined, headers: RequestHeaders, payload: unknown): string | null {
  if (!source) return null;
  const value = source.header ? headers.get(source.header) : source.path ? readPath(payload, source.path) : source.value;
  return value === undefined || value === null || value === "" ? null : String(value).slice(0, 500);
}

/** What examining a delivery decided: answer at once, or store a row first. */
type Examined =
  /** `target`: the provider and endpoint, when known (a busy process refuses a known endpoint's delivery unread). */
  | { kind: "answer"; reply: IntakeReply; target?: Pick<NewDelivery, "providerId" | "endpointId"> }
  | { kind: "refusal"; row: NewDelivery; reply: IntakeReply }
  /** `handshake`: the answer a sender's handshake (Slack's challenge, Discord's PING, Zoom's URL validation) wants instead of 202. */
  | { kind: "accepted"; row: NewDelivery; handshake: unknown };

// Deliveries between arriving and reaching the store (reading, verifying): SQLite's batch waits for them.
let examining = 0;
let writer: IntakeWriter | undefined;

function store(): IntakeWriter {
  return (writer ??= intakeWriter(() => examining > 0));
}

/**
 * POST /api/webhooks/<provider>[/<endpointId>]: read the raw body with a cap, verify it, store it,
 * and only then acknowledge. Deliveries arriving together are committed together: on SQLite in one
 * transaction (one fsync), on PostgreSQL in one multi-row insert. Either way a delivery is answered only after
 * the commit holding it. Processing happens later,
 * in the dispatcher.
 */
export function acceptWebhook(request: IntakeRequest): Promise<IntakeReply> {
  const attributes = { [TraceAttributes.provider]: request.providerId, ...(request.endpointId ? { [TraceAttributes.endpointId]: request.endpointId } : {}) };
  return inSpan("webhook intake", { kind: SpanKind.SERVER, attributes }, (span) => acceptWithin(request, span));
}

async function acceptWithin(request: IntakeRequest, span: Span): Promise<IntakeReply> {
  // The body's bytes count against the process's budget from before they are read until the row
  // holding them (or the refusal) is committed, or the reading fails.
  const reservation = reserveIntakeBody();
  const started = performance.now();
  let status = 500;
  try {
    const answer = await examineAndStore(request, reservation, span);
    status = answer.status;
    span.setAttribute("http.response.status_code", status);
    return answer;
  } finally {
    reservation.release();
    observeIntake(status, (performance.now() - started) / 1000);
  }
}

/** The error code of a refusal's answer, as the refused counter's reason. */
function refusalCode(answer: IntakeReply): string {
  return (answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? String(answer.status);
}

async function examineAndStore(request: IntakeRequest, reservation: BodyReservation, span: Span): Promise<IntakeReply> {
  examining++;
  let examined: Examined;
  try {
    examined = await examine(request, reservation);
  } finally {
    examining--;
  }
  switch (examined.kind) {
    case "answer":
      // An unknown endpoint is counted without the URL's provider: anyone can make up URLs.
      recordDeliveryRefused(examined.target?.providerId ?? "unknown", examined.target ? examined.target.endpointId : "unknown", refusalCode(examined.reply));
      return examined.reply;
    case "refusal": {
      const { row } = examined;
      const id = await store().refusal(row, env().WEBHOOK_REJECTED_CAP);
      span.setAttribute(TraceAttributes.deliveryId, id);
      recordDeliveryRefused(row.providerId, row.endpointId, refusalCode(examined.reply));
      announce({ workspaceId: row.workspaceId, deliveryId: id, status: row.status });
      return examined.reply;
    }
    case "accepted": {
      const { row } = examined;
      const id = await store().accepted(row);
      if (id === undefined) return reply(200, { duplicate: true });
      span.setAttribute(TraceAttributes.deliveryId, id);
      recordDeliveryReceived(row.providerId, row.endpointId);
      if (!store().announcesAccepted) announce({ workspaceId: row.workspaceId, deliveryId: id, status: row.status });
      if (examined.handshake !== undefined) return reply(200, examined.handshake);
      wakeDispatcher();
      return reply(202, { received: true, id });
    }
  }
}

async function examine({ providerId, endpointId, headers, readBody }: IntakeRequest, reservation: BodyReservation): Promise<Examined> {
  const resolving = resolveTarget(providerId, endpointId);
  const target = resolving instanceof Promise ? await resolving : resolving;
  if (!target) return { kind: "answer", reply: refuse("unknown_endpoint", "No webhook endpoint here.") };
  const { provider, workspaceId } = target;
  const receivedAt = Date.now();
  const base: Pick<NewDelivery, "workspaceId" | "endpointId" | "providerId" | "receivedAt" | "headers"> = {
    workspaceId,
    endpointId: target.endpointId,
    providerId: provider.id,
    receivedAt,
    headers: redactHeaders(headers),
  };
  const refusal = (answer: IntakeReply, reason: string, body: Buffer, totalBytes: number, verified = false, payload: unknown = undefined): Examined => ({
    kind: "refusal",
    reply: answer,
    row: {
      ...base,
      deliveryId: field(provider.webhooks.deliveryId, headers, payload),
      event: field(provider.webhooks.event, headers, payload),
      body: body.subarray(0, REFUSAL_BODY_BYTES).toString("utf8"),
      bodyBytes: totalBytes,
      bodyTruncated: totalBytes > REFUSAL_BODY_BYTES,
      verified,
      reason,
      status: "rejected",
    },
  });

  const maxBytes = env().WEBHOOK_MAX_BYTES;
  const read = await readBody(maxBytes, REFUSAL_BODY_BYTES, reservation);
  if (!read.ok && read.reason === "busy") return { kind: "answer", reply: BUSY, target: base };
  if (!read.ok) {
    const answer = refuse("payload_too_large", `The body is larger than ${maxBytes} bytes.`);
    return refusal(answer, `body larger than WEBHOOK_MAX_BYTES (${maxBytes} bytes)`, read.head, read.declaredBytes ?? maxBytes + 1);
  }
  const body = read.body;

  const verification = await verifyDelivery(provider.webhooks.scheme, {
    body,
    headers,
    secrets: target.secrets,
    nowSeconds: Math.floor(receivedAt / 1000),
    url: `${env().APP_URL}/api/webhooks/${provider.id}${target.endpointId ? `/${target.endpointId}` : ""}`,
  });
  if (!verification.ok) {
    const answer = refuse(verification.status === 400 ? "missing_signature" : "invalid_signature", verification.reason);
    return refusal(answer, verification.reason, body, body.length);
  }

  let payload: unknown;
  let text: string;
  try {
    // Strict: a body that is not UTF-8 would otherwise be stored with replacement characters, unlike what was signed.
    text = UTF8.decode(body);
    payload = deliveryPayload(text, headers.get("content-type"), provider.webhooks.scheme === "twilio");
  } catch (error) {
    const answer = refuse("unparseable_payload", "The signature is valid but the payload is not JSON.");
    return refusal(answer, `valid signature but unparseable payload: ${(error as Error).message.slice(0, 200)}`, body, body.length, true);
  }

  const deliveryId = field(provider.webhooks.deliveryId, headers, payload);
  const hookId = field(provider.webhooks.hookId, headers, payload) ?? target.endpointId ?? "instance";
  const handshake = handshakeAnswer(provider.webhooks.scheme, payload, verification.secret);
  const isChallenge = handshake !== undefined && (payload as { type?: unknown }).type === "url_verification";
  return {
    kind: "accepted",
    handshake,
    row: {
      ...base,
      // Without a delivery id only a byte-identical body at the same endpoint counts as a redelivery.
      dedupeKey: `${target.endpointId ?? `instance:${provider.id}`}:${hookId}:${deliveryId ?? `sha256:${createHash("sha256").update(body).digest("hex")}`}`,
      deliveryId,
      event: isChallenge ? "url_verification" : field(provider.webhooks.event, headers, payload),
      action: field(provider.webhooks.action, headers, payload),
      repository: field(provider.webhooks.repository, headers, payload),
      body: text,
      bodyBytes: body.length,
      verified: true,
      status: handshake !== undefined ? "processed" : "received",
      nextAttemptAt: receivedAt,
      // The dispatcher's span for this delivery joins intake's trace (null when tracing is off).
      traceParent: currentTraceparent(),
    },
  };
}

/** The Next route handler's way in: a Web Request. */
export async function receiveWebhook(request: Request, providerId: string, endpointId?: string): Promise<Response> {
  return toResponse(
    await acceptWebhook({
      providerId,
      endpointId,
      headers: request.headers,
      readBody: (maxBytes, keepBytes, reservation) =>
        readCapped(request.body, { maxBytes, keepBytes, reservation, declared: request.headers.get("content-length") }),
    }),
  );
}
