import "server-only";
import { webhookDeliveries } from "@/db/schema";
import { insertAcceptedAwaited, type NewDelivery } from "@/db/sql/intake";
import { announce } from "./events";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type { NewDelivery };

/**
 * Stores an accepted delivery and tells open log viewers. Returns its id, or undefined when the
 * same (endpoint, hook id, delivery id) was stored before: a redelivery, which is acknowledged but
 * not processed again. Committed on its own; intake writes through db/sql/intake.ts instead.
 */
export async function insertAccepted(delivery: NewDelivery): Promise<number | undefined> {
  const id = await insertAcceptedAwaited(delivery);
  if (id !== undefined) announce({ workspaceId: delivery.workspaceId, deliveryId: id, status: delivery.status });
  return id;
}
