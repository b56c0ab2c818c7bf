/**
 * The durable queue that webhook processing (lib/webhooks/dispatcher.ts) and the outbox
 * (lib/outbox/sender.ts) both run on: lease due rows with a lease, run an attempt while renewing
 * the lease, record the result fenced by the attempt number, schedule the retry, wake on new work.
 * Each table brings its own lease, renewal and record (their dialect SQL stays in db/sql/).
 */
export { leaseRows, recordFenced } from "./fenced";
export { nextStep, retryDelayMs } from "./retry-schedule";
export { Slots, type SlotKey, type SlotLimits, type SlotVerdict } from "./slots";
export { QueueWorker, renewWhileRunning, type Admission, type DrainOptions, type QueueTable, type WorkerOptions } from "./worker";
