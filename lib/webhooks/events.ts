import type { EventEmitter } from "node:events";
import { noticeBus, publish } from "@/db/notifications";

/** Tells open log viewers that a delivery changed: in this process, and on PostgreSQL in every process. */
export type DeliveryEvent = { workspaceId: string; deliveryId: number; status: string };

/** Listeners subscribe to "delivery". */
export const deliveryEvents: EventEmitter = noticeBus;

export function announce(event: DeliveryEvent): void {
  publish("delivery", event);
}
