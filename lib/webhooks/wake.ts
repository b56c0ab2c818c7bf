import { EventEmitter } from "node:events";

const holder = globalThis as typeof globalThis & { __patchbayDispatcherWake?: EventEmitter };
/** Intake calls wakeDispatcher() so a new delivery is picked up at once instead of at the next poll. */
export const dispatcherWake: EventEmitter = (holder.__patchbayDispatcherWake ??= new EventEmitter());

export function wakeDispatcher(): void {
  dispatcherWake.emit("wake");
}
