import { createHash, timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { processState } from "./process-state";

/**
 * The process's Prometheus metrics (GET /metrics, on when METRICS_TOKEN is set). Other areas
 * record through the functions below; the gauges that describe the database (queue depth, oldest
 * due item) are set at scrape time by lib/server/metrics.ts. Every series is this process's own:
 * with several processes Prometheus scrapes each, and the `instance` label (set at scrape time)
 * tells them apart.
 *
 * In process state: server.ts and Next's bundle load this module separately, and both must count
 * into the one registry.
 */
type Metrics = ReturnType<typeof createMetrics>;

function createMetrics() {
  const registry = new Registry();
  // Process memory, CPU, handles, and event-loop lag (nodejs_eventloop_lag_seconds and its percentiles).
  collectDefaultMetrics({ register: registry, prefix: "patchbay_" });
  const registers = [registry];
  return {
    registry,
    deliveriesReceived: new Counter({
      name: "patchbay_webhook_deliveries_received_total",
      help: "Webhook deliveries accepted and stored (verified), by provider and endpoint.",
      labelNames: ["provider", "endpoint"] as const,
      registers,
    }),
    deliveriesRefused: new Counter({
      name: "patchbay_webhook_deliveries_refused_total",
      help: "Webhook deliveries refused at intake (bad signature, too large, unparseable), by provider, endpoint and reason.",
      labelNames: ["provider", "endpoint", "reason"] as const,
      registers,
    }),
    deliveriesProcessed: new Counter({
      name: "patchbay_webhook_deliveries_processed_total",
      help: "Processing attempts of webhook deliveries that succeeded, by provider and endpoint.",
      labelNames: ["provider", "endpoint"] as const,
      registers,
    }),
    deliveriesFailed: new Counter({
      name: "patchbay_webhook_deliveries_failed_total",
      help: "Processing attempts of webhook deliveries that failed, by provider, endpoint and whether the delivery will be retried (final=false) or failed for good (final=true).",
      labelNames: ["provider", "endpoint", "final"] as const,
      registers,
    }),
    intakeSeconds: new Histogram({
      name: "patchbay_webhook_intake_duration_seconds",
      help: "Time from a delivery's arrival to its answer (read, verify, commit), by HTTP status of the answer.",
      labelNames: ["status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    outboundCalls: new Counter({
      name: "patchbay_outbound_requests_total",
      help: "Outbound HTTP calls through the one client (after retries), by host and final status (the HTTP status, or error when none came).",
      labelNames: ["host", "status"] as const,
      registers,
    }),
    tokenRefreshes: new Counter({
      name: "patchbay_token_refreshes_total",
      help: "OAuth access-token refreshes attempted, by provider and outcome (success, failure, needs_reconnect).",
      labelNames: ["provider", "outcome"] as const,
      registers,
    }),
    runs: new Counter({
      name: "patchbay_runs_total",
      help: "Tool and workflow runs finished, by kind (tool, workflow) and status (succeeded, failed).",
      labelNames: ["kind", "status"] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: "patchbay_queue_depth",
      help: "Items waiting in a queue (delivery: received or retrying; outbound: pending), due or not, read at scrape time.",
      labelNames: ["queue"] as const,
      registers,
    }),
    oldestDueSeconds: new Gauge({
      name: "patchbay_queue_oldest_due_age_seconds",
      help: "How long the oldest due item of a queue has been due (0 when none is), read at scrape time.",
      labelNames: ["queue"] as const,
      registers,
    }),
  };
}

function metrics(): Metrics {
  return processState("Metrics", createMetrics);
}

/** The endpoint id as a label: instance-wide URLs have none. */
function endpointLabel(endpointId: string | null | undefined): string {
  return endpointId ?? "instance";
}

export function recordDeliveryReceived(provider: string, endpointId: string | null | undefined): void {
  metrics().deliveriesReceived.inc({ provider, endpoint: endpointLabel(endpointId) });
}

export function recordDeliveryRefused(provider: string, endpointId: string | null | undefined, reason: string): void {
  metrics().deliveriesRefused.inc({ provider, endpoint: endpointLabel(endpointId), reason });
}

/** One processing attempt: `failed` is "retrying" when another attempt follows, "final" when not. */
export function recordDeliveryAttempt(provider: string, endpointId: string | null | undefined, outcome: "processed" | "retrying" | "failed"): void {
  const endpoint = endpointLabel(endpointId);
  if (outcome === "processed") metrics().deliveriesProcessed.inc({ provider, endpoint });
  else metrics().deliveriesFailed.inc({ provider, endpoint, final: outcome === "failed" ? "true" : "false" });
}

export function observeIntake(status: number, seconds: number): void {
  metrics().intakeSeconds.observe({ status: String(status) }, seconds);
}

export function recordOutboundCall(host: string, status: number | "error"): void {
  metrics().outboundCalls.inc({ host, status: String(status) });
}

export function recordTokenRefresh(provider: string, outcome: "success" | "failure" | "needs_reconnect"): void {
  metrics().tokenRefreshes.inc({ provider, outcome });
}

export function recordRun(kind: "tool" | "workflow" | "automation", status: "succeeded" | "failed"): void {
  metrics().runs.inc({ kind, status });
}

/** A queue as read at scrape time: how many wait, and since when the oldest due one has been due (ms since epoch). */
export function setQueueState(queue: "delivery" | "outbound", depth: number, oldestDueAt: number | null, now = Date.now()): void {
  metrics().queueDepth.set({ queue }, depth);
  metrics().oldestDueSeconds.set({ queue }, oldestDueAt === null ? 0 : Math.max(0, (now - oldestDueAt) / 1000));
}

/** Every metric in the Prometheus text format, each series labelled with this process's instance id. */
export async function metricsText(instance: string): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  registry.setDefaultLabels({ instance });
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Whether an Authorization header carries the bearer token, compared in constant time (of the digests). */
export function bearerMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!match) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}
