import { EventEmitter } from "node:events";

/** Tells open run pages that a run or one of its steps changed. */
export type RunEvent = { userId: string; runId: string; stepId?: string; status: string };

const holder = globalThis as typeof globalThis & { __patchbayRunEvents?: EventEmitter };
export const runEvents: EventEmitter = (holder.__patchbayRunEvents ??= new EventEmitter().setMaxListeners(1000));

export function announceRun(event: RunEvent): void {
  runEvents.emit("run", event);
}
