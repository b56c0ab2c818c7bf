import { EventEmitter } from "node:events";
import { processState } from "@/lib/platform";

type WakeState = { emitter: EventEmitter; scheduled: boolean; lastIntakeAt: number };

const state = processState<WakeState>("Wake", () => ({ emitter: new EventEmitter(), scheduled: false, lastIntakeAt: 0 }));

export const dispatcherWake: EventEmitter = state.emitter;

/** Wakes within this long after a delivery are one wake, so a burst is leased in batches, not row by row. */
export const WAKE_COALESCE_MS = 25;

/** Intake calls this after committing a delivery: the dispatcher picks it up at once instead of at the next poll. */
export function wakeDispatcher(now = Date.now()): void {
  state.lastIntakeAt = now;
  scheduleWake();
}

/**
 * A delivery stored by another process (PostgreSQL: its notice arrives over LISTEN/NOTIFY): wake
 * this dispatcher too, coalesced like intake's own wakes, and count it as intake, so processing
 * here gives way to a burst arriving anywhere on the database, as it does to one arriving here
 * (bounded by WEBHOOK_PROCESSING_MAX_DELAY_MS as always). Processes sharing a machine's cores
 * otherwise process each delivery of another's burst as it arrives, on the cores its intake needs
 * (three processes on two cores were slower than one).
 */
export function wakeForDeliveryElsewhere(now = Date.now()): void {
  state.lastIntakeAt = now;
  scheduleWake();
}

function scheduleWake(): void {
  if (state.scheduled) return;
  state.scheduled = true;
  setTimeout(() => {
    state.scheduled = false;
    state.emitter.emit("wake");
  }, WAKE_COALESCE_MS).unref();
}

/** When intake last stored a delivery (ms since the epoch), here or in another process, so processing can give way during a burst. */
export function lastIntakeAt(): number {
  return state.lastIntakeAt;
}
