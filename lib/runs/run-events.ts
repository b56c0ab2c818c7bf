import type { EventEmitter } from "node:events";
import { noticeBus, publish } from "@/db/notifications";

/** Tells open run pages that a run or one of its steps changed: in this process, and on PostgreSQL in every process. */
export type RunEvent = { workspaceId: string; runId: string; stepId?: string; status: string };

/** Listeners subscribe to "run". */
export const runEvents: EventEmitter = noticeBus;

export function announceRun(event: RunEvent): void {
  publish("run", event);
}
