import { EventEmitter } from "node:events";

/** In-process notifications: intake wakes the dispatcher; both tell open log viewers something changed. */
export type DeliveryEvent = { userId: string; deliveryId: number; status: string };

const holder = globalThis as typeof globalThis & { __patchbayDeliveryEvents?: EventEmitter };
export const deliveryEvents: EventEmitter = (holder.__patchbayDeliveryEvents ??= new EventEmitter().setMaxListeners(1000));

export function announce(event: DeliveryEvent): void {
  deliveryEvents.emit("delivery", event);
}
