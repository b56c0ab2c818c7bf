import "server-only";
import { and, asc, desc, eq, gte, inArray } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { forwardDestinations, outboundAttempts, outboundMessages, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { assertUrlAllowed, BlockedRequestError } from "@/lib/http";
import { env, keptBriefly } from "@/lib/platform";
import { getProvider } from "@/lib/providers";
import { attemptsOf, enqueue, outboxWake, requeueMessage } from "./queue";
import { newSigningSecret, sealSigningSecret } from "./signing";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A workspace's enabled destinations, read for every delivery processed: kept briefly, forgotten by every change of destinations here. */
const enabledDestinations = keptBriefly<Pick<ForwardDestination, "id" | "providerId" | "endpointId" | "events">[]>("KeptForwardDestinations", 1000);
export type ForwardDestination = Omit<typeof forwardDestinations.$inferSelect, "secretSealed">;

/** `push`, `pull_request` or `pull_request.opened`: an event, optionally with its action. */
const eventFilter = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: "expected event names such as push or pull_request.opened" });

export const newDestinationSchema = z.object({
  /** `<provider>` for the provider's instance-wide URL, or `<provider>/<endpoint id>`. */
  source: z.string().min(1),
  url: z
    .url({ message: "expected an absolute http(s) URL" })
    .refine((value) => /^https?:/i.test(value), { message: "expected an http or https URL" })
    .refine((value) => !new URL(value).username && !new URL(value).password, { message: "put no credentials in the URL; verify the signature instead" }),
  events: z
    .string()
    .default("")
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(eventFilter).max(50)),
});

export class ForwardingError extends Error {
  override name = "ForwardingError";
}

function publicView(row: typeof forwardDestinations.$inferSelect): ForwardDestination {
  const { id, workspaceId, providerId, endpointId, url, events, enabled, createdAt } = row;
  return { id, workspaceId, providerId, endpointId, url, events, enabled, createdAt };
}

/**
 * Adds a destination for one of the user's endpoints (or a provider's instance-wide URL). The
 * signing secret is returned once here and stored sealed.
 */
export async function createDestination(
  workspaceId: string,
  input: z.input<typeof newDestinationSchema>,
  now = Date.now(),
): Promise<{ destination: ForwardDestination; secret: string }> {
  const parsed = newDestinationSchema.parse(input);
  const [providerId, endpointId] = parsed.source.split("/", 2) as [string, string | undefined];
  if (!getProvider(providerId)) throw new ForwardingError(`There is no provider "${providerId}".`);
  if (endpointId) {
    const [endpoint] = await db()
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.providerId, providerId)))
      .limit(1);
    if (!endpoint) throw new ForwardingError("That endpoint does not exist.");
  }
  try {
    assertUrlAllowed(new URL(parsed.url));
  } catch (error) {
    if (error instanceof BlockedRequestError) throw new ForwardingError(error.message);
    throw error;
  }
  const id = crypto.randomUUID();
  const secret = newSigningSecret();
  const [row] = await db()
    .insert(forwardDestinations)
    .values({
      id,
      workspaceId,
      providerId,
      endpointId: endpointId ?? null,
      url: parsed.url,
      events: parsed.events,
      secretSealed: sealSigningSecret("forward_destinations", id, secret),
      createdAt: now,
    })
    .returning();
  enabledDestinations.forget();
  return { destination: publicView(row!), secret };
}

export async function listDestinations(workspaceId: string): Promise<ForwardDestination[]> {
  return (
    await db().select().from(forwardDestinations).where(eq(forwardDestinations.workspaceId, workspaceId)).orderBy(desc(forwardDestinations.createdAt))
  ).map(publicView);
}

export async function setDestinationEnabled(workspaceId: string, id: string, enabled: boolean): Promise<boolean> {
  const changed = affectedRows(
    await db()
      .update(forwardDestinations)
      .set({ enabled })
      .where(and(eq(forwardDestinations.id, id), eq(forwardDestinations.workspaceId, workspaceId))),
  );
  enabledDestinations.forget();
  return changed > 0;
}

export async function deleteDestination(workspaceId: string, id: string): Promise<boolean> {
  const removed = affectedRows(
    await db()
      .delete(forwardDestinations)
      .where(and(eq(forwardDestinations.id, id), eq(forwardDestinations.workspaceId, workspaceId))),
  );
  enabledDestinations.forget();
  return removed > 0;
}

export function matchesEvents(filter: string[], delivery: Pick<DeliveryRow, "event" | "action">): boolean {
  if (filter.length === 0) return true;
  if (!delivery.event) return false;
  return filter.includes(delivery.event) || (delivery.action !== null && filter.includes(`${delivery.event}.${delivery.action}`));
}

/**
 * Queues the delivery for every enabled destination of its endpoint whose filter it matches.
 * Called when the dispatcher takes the delivery, so a crash between intake and here only delays
 * forwarding; queuing is idempotent per (delivery, destination).
 */
export async function enqueueForwards(delivery: DeliveryRow, now = Date.now()): Promise<number> {
  if (!delivery.verified) return 0;
  const enabled = await enabledDestinations.get(delivery.workspaceId, () =>
    db()
      .select({
        id: forwardDestinations.id,
        providerId: forwardDestinations.providerId,
        endpointId: forwardDestinations.endpointId,
        events: forwardDestinations.events,
      })
      .from(forwardDestinations)
      .where(and(eq(forwardDestinations.workspaceId, delivery.workspaceId), eq(forwardDestinations.enabled, true))),
  );
  const destinations = enabled.filter(
    (destination) =>
      destination.providerId === delivery.providerId && destination.endpointId === delivery.endpointId && matchesEvents(destination.events, delivery),
  );
  return enqueue(
    destinations.map((destination) => ({
      workspaceId: delivery.workspaceId,
      kind: "forward" as const,
      deliveryId: delivery.id,
      destinationId: destination.id,
    })),
    now,
  );
}

/**
 * Each destination's forward of one delivery, and each replay of it (to the destination or another
 * URL, maybe with an edited payload), with their attempts, for the delivery page.
 */
export async function forwardsOfDelivery(workspaceId: string, deliveryId: number) {
  const rows = await db()
    .select({ message: outboundMessages, destinationUrl: forwardDestinations.url })
    .from(outboundMessages)
    .innerJoin(forwardDestinations, eq(forwardDestinations.id, outboundMessages.destinationId))
    .where(
      and(eq(outboundMessages.workspaceId, workspaceId), eq(outboundMessages.deliveryId, deliveryId), inArray(outboundMessages.kind, ["forward", "replay"])),
    )
    .orderBy(asc(outboundMessages.createdAt));
  const attempts = await attemptsOf(rows.map((row) => row.message.id));
  return rows.map(({ message, destinationUrl }) => ({
    ...message,
    url: message.url ?? destinationUrl,
    edited: message.body !== null,
    attempts: attempts.filter((attempt) => attempt.messageId === message.id),
  }));
}

/** How a destination is doing: its attempts over HEALTH_WINDOW_MS, the last success, the last error. */
export type DestinationHealth = {
  attempts: number;
  succeeded: number;
  /** Succeeded attempts per attempt, 0 to 1, or null with no attempt in the window. */
  successRate: number | null;
  lastSuccessAt: number | null;
  lastError: { at: number; error: string; statusCode: number | null; responseHead: string | null } | null;
};

export const HEALTH_WINDOW_MS = 7 * 24 * 3_600_000;

/** Each of the workspace's destinations' health (forwards, replays and test events alike), by destination id. */
export async function destinationHealth(workspaceId: string, now = Date.now()): Promise<Map<string, DestinationHealth>> {
  const attempts = await db()
    .select({
      destinationId: outboundMessages.destinationId,
      startedAt: outboundAttempts.startedAt,
      statusCode: outboundAttempts.statusCode,
      error: outboundAttempts.error,
      responseHead: outboundAttempts.responseHead,
    })
    .from(outboundAttempts)
    .innerJoin(outboundMessages, eq(outboundMessages.id, outboundAttempts.messageId))
    .where(and(eq(outboundMessages.workspaceId, workspaceId), gte(outboundAttempts.startedAt, now - HEALTH_WINDOW_MS)))
    .orderBy(asc(outboundAttempts.startedAt), asc(outboundAttempts.id));
  const health = new Map<string, DestinationHealth>();
  for (const attempt of attempts) {
    if (!attempt.destinationId) continue;
    const entry = health.get(attempt.destinationId) ?? { attempts: 0, succeeded: 0, successRate: null, lastSuccessAt: null, lastError: null };
    entry.attempts++;
    if (attempt.error === null) {
      entry.succeeded++;
      entry.lastSuccessAt = attempt.startedAt;
    } else entry.lastError = { at: attempt.startedAt, error: attempt.error, statusCode: attempt.statusCode, responseHead: attempt.responseHead };
    entry.successRate = entry.succeeded / entry.attempts;
    health.set(attempt.destinationId, entry);
  }
  return health;
}

async function ownDestination(workspaceId: string, destinationId: string) {
  const [destination] = await db()
    .select()
    .from(forwardDestinations)
    .where(and(eq(forwardDestinations.id, destinationId), eq(forwardDestinations.workspaceId, workspaceId)))
    .limit(1);
  if (!destination) throw new ForwardingError("That destination does not exist.");
  return destination;
}

/** The body of a test event: says what it is, so a receiver can tell it from a forwarded delivery. */
export function testEventBody(destinationId: string, now: number): string {
  return JSON.stringify({ type: "patchbay.test", destination: destinationId, sentAt: new Date(now).toISOString(), message: "A test event from Patchbay." });
}

/** Queues a signed test event to a destination (paused or not): its answer shows on the destination's health. Returns the message id. */
export async function sendTestEvent(workspaceId: string, destinationId: string, now = Date.now()): Promise<string> {
  const destination = await ownDestination(workspaceId, destinationId);
  const id = crypto.randomUUID();
  await db()
    .insert(outboundMessages)
    .values({ id, workspaceId, kind: "test", destinationId: destination.id, body: testEventBody(destination.id, now), createdAt: now, nextAttemptAt: now });
  outboxWake.emit("wake");
  return id;
}

export const replaySchema = z.object({
  deliveryId: z.coerce.number().int().positive(),
  destinationId: z.string().min(1, { message: "Choose the destination whose secret signs the replay." }),
  /** Another URL to send to; empty sends to the destination's own. */
  url: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(
      z
        .url({ message: "expected an absolute http(s) URL" })
        .refine((value) => /^https?:/i.test(value), { message: "expected an http or https URL" })
        .refine((value) => !new URL(value).username && !new URL(value).password, { message: "put no credentials in the URL" })
        .optional(),
    ),
  /** The payload to send instead of the delivery's (edited before the replay); undefined sends the original. */
  body: z.string().optional(),
});

/**
 * Replays a verified delivery through one of the workspace's destinations: signed with that
 * destination's secret, to its URL or to another one (refused like a destination's when private),
 * with the original payload or an edited one (at most WEBHOOK_MAX_BYTES). A new message, with its
 * own webhook-id, shown with the delivery's forwards. Returns its id.
 */
export async function replayToUrl(workspaceId: string, input: z.input<typeof replaySchema>, now = Date.now()): Promise<string> {
  const parsed = replaySchema.parse(input);
  const destination = await ownDestination(workspaceId, parsed.destinationId);
  const [delivery] = await db()
    .select({ id: webhookDeliveries.id, verified: webhookDeliveries.verified, body: webhookDeliveries.body, trimmedAt: webhookDeliveries.trimmedAt })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, parsed.deliveryId), eq(webhookDeliveries.workspaceId, workspaceId)))
    .limit(1);
  if (!delivery) throw new ForwardingError("That delivery does not exist.");
  if (!delivery.verified) throw new ForwardingError("Only verified deliveries are replayed.");
  const edited = parsed.body !== undefined && parsed.body !== delivery.body ? parsed.body : undefined;
  if (edited === undefined && delivery.trimmedAt !== null) throw new ForwardingError("Its body was removed by retention: paste a payload to send.");
  if (edited !== undefined && Buffer.byteLength(edited) > env().WEBHOOK_MAX_BYTES)
    throw new ForwardingError(`The payload is larger than ${env().WEBHOOK_MAX_BYTES} bytes.`);
  if (parsed.url) {
    try {
      assertUrlAllowed(new URL(parsed.url));
    } catch (error) {
      if (error instanceof BlockedRequestError) throw new ForwardingError(error.message);
      throw error;
    }
  }
  const id = crypto.randomUUID();
  await db()
    .insert(outboundMessages)
    .values({
      id,
      workspaceId,
      kind: "replay",
      deliveryId: delivery.id,
      destinationId: destination.id,
      url: parsed.url && parsed.url !== destination.url ? parsed.url : null,
      body: edited ?? null,
      createdAt: now,
      nextAttemptAt: now,
    });
  outboxWake.emit("wake");
  return id;
}

/** Sends one delivery's forward to its destination again. */
export async function replayForward(workspaceId: string, messageId: string): Promise<boolean> {
  return requeueMessage(workspaceId, messageId);
}
