import "server-only";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, db } from "@/db/client";
import { forwardDestinations, outboundMessages, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { assertUrlAllowed, BlockedRequestError } from "@/lib/http";
import { getProvider } from "@/lib/providers";
import { attemptsOf, enqueue, requeueMessage } from "./queue";
import { newSigningSecret, sealSigningSecret } from "./signing";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;
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
  return { destination: publicView(row!), secret };
}

export async function listDestinations(workspaceId: string): Promise<ForwardDestination[]> {
  return (
    await db().select().from(forwardDestinations).where(eq(forwardDestinations.workspaceId, workspaceId)).orderBy(desc(forwardDestinations.createdAt))
  ).map(publicView);
}

export async function setDestinationEnabled(workspaceId: string, id: string, enabled: boolean): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .update(forwardDestinations)
        .set({ enabled })
        .where(and(eq(forwardDestinations.id, id), eq(forwardDestinations.workspaceId, workspaceId))),
    ) > 0
  );
}

export async function deleteDestination(workspaceId: string, id: string): Promise<boolean> {
  return (
    affectedRows(
      await db()
        .delete(forwardDestinations)
        .where(and(eq(forwardDestinations.id, id), eq(forwardDestinations.workspaceId, workspaceId))),
    ) > 0
  );
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
  const destinations = (
    await db()
      .select({ id: forwardDestinations.id, events: forwardDestinations.events })
      .from(forwardDestinations)
      .where(
        and(
          eq(forwardDestinations.workspaceId, delivery.workspaceId),
          eq(forwardDestinations.providerId, delivery.providerId),
          eq(forwardDestinations.enabled, true),
          delivery.endpointId === null ? isNull(forwardDestinations.endpointId) : eq(forwardDestinations.endpointId, delivery.endpointId),
        ),
      )
  ).filter((destination) => matchesEvents(destination.events, delivery));
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

/** Each destination's forward of one delivery, with its attempts, for the delivery page. */
export async function forwardsOfDelivery(workspaceId: string, deliveryId: number) {
  const rows = await db()
    .select({ message: outboundMessages, url: forwardDestinations.url })
    .from(outboundMessages)
    .innerJoin(forwardDestinations, eq(forwardDestinations.id, outboundMessages.destinationId))
    .where(and(eq(outboundMessages.workspaceId, workspaceId), eq(outboundMessages.deliveryId, deliveryId), eq(outboundMessages.kind, "forward")))
    .orderBy(asc(outboundMessages.createdAt));
  const attempts = await attemptsOf(rows.map((row) => row.message.id));
  return rows.map(({ message, url }) => ({ ...message, url, attempts: attempts.filter((attempt) => attempt.messageId === message.id) }));
}

/** Sends one delivery's forward to its destination again. */
export async function replayForward(workspaceId: string, messageId: string): Promise<boolean> {
  return requeueMessage(workspaceId, messageId);
}
