import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { alertChannels, alerts, forwardDestinations, webhookDeliveries } from "@/db/schema";
import { BlockedRequestError, HttpError, httpRequest, ResponseTooLargeError } from "@/lib/http";
import {
  leaseDueMessages,
  type OutboundMessage,
  OUTBOX_LEASE_MS,
  outboxWake,
  raiseAlert,
  recordAttempt,
  RESPONSE_HEAD_CHARS,
  type SendOutcome,
  standardWebhookHeaders,
  unsealSigningSecret,
} from "@/lib/outbox";
import { type BackgroundLoop, env, log, startBackgroundLoop } from "@/lib/platform";
import { QueueWorker, type SlotLimits } from "@/lib/queue";
import { postSlackMessage } from "@/lib/tools";

const SEND_TIMEOUT_MS = 15_000;
/** Only the receiver's status matters; a longer answer is not read (the status still counts). */
const RECEIVER_ANSWER_MAX_BYTES = 64 * 1024;
const USER_AGENT = "Patchbay-Outbox/1";

class PermanentSendError extends Error {}

/** The start of the receiver's answer, as text: what an attempt keeps to show what it said. */
function headOf(body: unknown): string | undefined {
  if (body === null || body === undefined) return undefined;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text ? text.slice(0, RESPONSE_HEAD_CHARS) : undefined;
}

function receiverOutcome(status: number, responseHead?: string): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true, statusCode: status, responseHead };
  return { ok: false, statusCode: status, error: `the receiver answered ${status}`, responseHead };
}

/** One signed POST; a 2xx is success, anything else is retried on the schedule. */
async function postSigned(
  url: string,
  secret: string,
  messageId: string,
  payload: string,
  contentType: string,
  extraHeaders: Record<string, string> = {},
): Promise<SendOutcome> {
  try {
    const response = await httpRequest({
      url,
      method: "POST",
      headers: { "content-type": contentType, "user-agent": USER_AGENT, ...extraHeaders, ...standardWebhookHeaders(secret, messageId, payload) },
      body: payload,
      guard: true,
      retry: false,
      timeoutMs: SEND_TIMEOUT_MS,
      maxResponseBytes: RECEIVER_ANSWER_MAX_BYTES,
    });
    return receiverOutcome(response.status, headOf(response.body));
  } catch (error) {
    if (error instanceof ResponseTooLargeError) return receiverOutcome(error.status);
    if (error instanceof BlockedRequestError) return { ok: false, error: error.message, permanent: true };
    if (error instanceof HttpError) return { ok: false, statusCode: error.status, error: error.message };
    throw error;
  }
}

async function destinationOf(message: OutboundMessage) {
  const [destination] = await db().select().from(forwardDestinations).where(eq(forwardDestinations.id, message.destinationId!)).limit(1);
  if (!destination) throw new PermanentSendError("the destination was deleted");
  return destination;
}

/**
 * A forward (or a replay) of a delivery: its body, or the edited one a replay carries, to the
 * destination's URL, or the other URL a replay names, signed with the destination's secret.
 */
async function sendForward(message: OutboundMessage): Promise<SendOutcome> {
  const [delivery] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, message.deliveryId!)).limit(1);
  if (!delivery) throw new PermanentSendError("the delivery was deleted");
  const destination = await destinationOf(message);
  // A paused destination stops forwarding; a replay is asked for by hand, so it goes.
  if (!destination.enabled && message.kind === "forward") throw new PermanentSendError("the destination is paused");
  if (message.body === null && delivery.trimmedAt !== null) throw new PermanentSendError("the delivery's body was removed by retention");
  const secret = unsealSigningSecret("forward_destinations", destination.id, destination.secretSealed);
  const contentType = delivery.headers["content-type"] ?? "application/json";
  return postSigned(message.url ?? destination.url, secret, message.id, message.body ?? delivery.body, contentType, {
    "patchbay-provider": delivery.providerId,
    ...(delivery.event ? { "patchbay-event": delivery.action ? `${delivery.event}.${delivery.action}` : delivery.event } : {}),
    ...(delivery.deliveryId ? { "patchbay-delivery-id": delivery.deliveryId } : {}),
  });
}

/** A test event: its own small body to the destination, signed like a forward. */
async function sendTest(message: OutboundMessage): Promise<SendOutcome> {
  const destination = await destinationOf(message);
  const secret = unsealSigningSecret("forward_destinations", destination.id, destination.secretSealed);
  return postSigned(destination.url, secret, message.id, message.body ?? "{}", "application/json", { "patchbay-event": "patchbay.test" });
}

/** A notification tells one opening of an issue: the first, or a reopening after Resolve or a mute. */
function openingOf(alert: typeof alerts.$inferSelect, message: OutboundMessage): "opened" | "reopened" {
  return (message.alertOpening ?? 1) > 1 ? "reopened" : "opened";
}

function issueUrl(alert: typeof alerts.$inferSelect): string {
  return `${env().APP_URL}/alerts/${alert.id}`;
}

function alertText(alert: typeof alerts.$inferSelect, opening: "opened" | "reopened"): string {
  const seen = alert.occurrences === 1 ? "Seen once" : `Seen ${alert.occurrences} times`;
  return [`*${opening === "reopened" ? "Reopened: " : ""}${alert.title}*`, alert.detail, `${seen}. <${issueUrl(alert)}|Open the issue in Patchbay>`]
    .filter(Boolean)
    .join("\n");
}

async function sendAlert(message: OutboundMessage): Promise<SendOutcome> {
  const [alert] = await db().select().from(alerts).where(eq(alerts.id, message.alertId!)).limit(1);
  const [channel] = await db().select().from(alertChannels).where(eq(alertChannels.id, message.channelId!)).limit(1);
  if (!alert || !channel) throw new PermanentSendError("the alert or the channel was deleted");
  if (channel.kind === "slack") {
    try {
      await postSlackMessage(channel.userId, channel.target, alertText(alert, openingOf(alert, message)));
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
  const payload = JSON.stringify({
    type: `issue.${openingOf(alert, message)}`,
    timestamp: new Date(alert.statusChangedAt).toISOString(),
    data: {
      id: alert.id,
      kind: alert.kind,
      title: alert.title,
      detail: alert.detail,
      occurrences: alert.occurrences,
      firstSeen: new Date(alert.createdAt).toISOString(),
      lastSeen: new Date(alert.lastSeenAt).toISOString(),
      url: issueUrl(alert),
    },
  });
  return postSigned(channel.target, unsealSigningSecret("alert_channels", channel.id, channel.secretSealed!), message.id, payload, "application/json");
}

async function sendOne(message: OutboundMessage, now: () => number): Promise<void> {
  const startedAt = now();
  let outcome: SendOutcome;
  try {
    outcome = message.kind === "alert" ? await sendAlert(message) : message.kind === "test" ? await sendTest(message) : await sendForward(message);
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message, permanent: error instanceof PermanentSendError };
  }
  const status = await recordAttempt(message, startedAt, outcome, now());
  if (status === "failed" && message.kind === "forward") {
    await raiseAlert(message.workspaceId, {
      kind: "forward_failed",
      subject: `destination:${message.destinationId}`,
      error: outcome.ok ? undefined : outcome.error,
      title: "Forwarded deliveries could not be delivered",
      detail: outcome.ok ? "" : `Delivery ${message.deliveryId}: gave up after ${message.attempts} attempts: ${outcome.error}`,
      link: `/webhooks/${message.deliveryId}`,
      deliveryId: message.deliveryId ?? undefined,
    });
  }
  if (!outcome.ok) log.warn("outbound message failed", { message: message.id, kind: message.kind, attempt: message.attempts, status, error: outcome.error });
}

/**
 * A destination that never answers holds at most `perOrigin` sends (each up to the 15 s send
 * timeout), and one person's destinations at most `perPerson`, so everyone else keeps the rest.
 */
export const OUTBOX_SLOTS: SlotLimits = { total: 64, perOrigin: 8, perPerson: 16 };

type SenderOptions = { now: () => number; leaseMs: number; slots: SlotLimits };

/**
 * Sends due messages as slots free up (lib/queue/slots.ts): each finished send gives its slot back
 * and the next due message that fits starts at once, so nothing waits for a batch, and a
 * destination that never answers holds only its origin's and its person's slots.
 */
function outboxSender({ now, leaseMs, slots }: SenderOptions): QueueWorker<OutboundMessage> {
  return new QueueWorker<OutboundMessage>(
    {
      lease: (wanted, admission) => leaseDueMessages(now(), wanted, leaseMs, admission),
      attempt: (message) =>
        sendOne(message, now).catch((error: unknown) => log.error("outbound send failed", { message: message.id, error: (error as Error).message })),
      idOf: (message) => message.id,
    },
    { name: "outbox", slots, refillOnFinish: true },
  );
}

/** Sends everything due, as slots free up, until nothing is due or in flight. Returns how many attempts it made. */
export async function sendDueMessages({ now = Date.now, leaseMs = OUTBOX_LEASE_MS, slots = OUTBOX_SLOTS }: Partial<SenderOptions> = {}): Promise<number> {
  return outboxSender({ now, leaseMs, slots }).drain();
}

/** The in-process sender: looks for due messages every second, at once when one is queued, and whenever a send finishes. */
export function startOutboxSender(intervalMs = 1000, leaseMs = OUTBOX_LEASE_MS): BackgroundLoop {
  const sender = outboxSender({ now: Date.now, leaseMs, slots: OUTBOX_SLOTS });
  return startBackgroundLoop("outbox", () => sender.pump(), { intervalMs, wake: outboxWake });
}
