/**
 * Process-wide state, all of it named here; each piece is created and typed by the module that
 * owns it, on first use.
 *
 * Why globalThis: server.ts (the intake fast path, start-up) and Next's bundled server code load
 * the same modules separately, so a module-level value would exist twice in one process: two
 * intake budgets, two wakes nobody hears, a second database pool or background loop. Dev-mode
 * reloads are the same process too, and keep what is here.
 */
export type ProcessStateName =
  /** lib/auth/client-address.ts: whether server.ts stamps each request's peer address. */
  | "StampsClientAddress"
  /** lib/mastra/index.ts: the Mastra instance. */
  | "Mastra"
  /** lib/background-loop.ts: the loops running, one per name. */
  | "Loops"
  /** lib/outbox/queue.ts: the sender's wake. */
  | "OutboxWake"
  /** lib/webhooks/wake.ts: intake's wake for the dispatcher and when it last stored a delivery. */
  | "Wake"
  /** lib/webhooks/intake-budget.ts: the bytes of webhook bodies being read. */
  | "IntakeBuffered"
  /** db/client.ts: the database connection (SQLite) or pool (PostgreSQL). */
  | "Db"
  /** db/locks.ts: the pool of connections that hold advisory locks. */
  | "LockPool"
  /** db/notifications.ts: the notice bus and its LISTEN/NOTIFY relay. */
  | "NoticeBus"
  | "NoticeRelay"
  /** db/instance.ts: this process's instance id and the lock that says it is alive. */
  | "Instance"
  /** lib/platform/metrics.ts: the Prometheus registry and its metrics. */
  | "Metrics"
  /** lib/automations: the automation queue's wake, and what start-up hands it (the delivery reader, the agent's runner). */
  | "AutomationWake"
  | "AutomationHooks"
  /** db/sqlite-gate.ts and db/sqlite-commit.ts: the one SQLite connection's gate and its shared transaction. */
  | "SqliteGate"
  | "SqliteCommit"
  /** lib/platform/kept-briefly.ts, for the dispatcher: a workspace's enabled automations, its forwarding destinations, its first owner. */
  | "KeptAutomations"
  | "KeptForwardDestinations"
  | "KeptWorkspaceOwner"
  /** db/sql/intake.ts: the instance's first owner, for the instance-wide webhook URLs. */
  | "KeptInstanceOwner"
  /** lib/webhooks/endpoints.ts: the endpoints intake looked up a moment ago, with their secrets. */
  | "IntakeEndpoints";

/** The process's `name`, created by `create` the first time it is asked for. */
export function processState<T>(name: ProcessStateName, create: () => T): T {
  const store = globalThis as unknown as Record<string, unknown>;
  return (store[`__patchbay${name}`] ??= create()) as T;
}
