import "server-only";
import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { instanceId } from "@/db/instance";
import { bearerMatches, env, log, metricsText, setQueueState } from "@/lib/platform";

type QueueRow = { depth: number | string; oldest: number | string | null };

/**
 * The two queues as they stand: how many wait (due or not) and the earliest due time, by the
 * (status, next_attempt_at) index each table has.
 */
async function readQueues(now: number): Promise<void> {
  const [deliveries] = await rows<QueueRow>(sql`
    select count(*) as depth, min(case when next_attempt_at <= ${now} then next_attempt_at end) as oldest
    from webhook_deliveries where status in ('received', 'retrying')`);
  const [outbound] = await rows<QueueRow>(sql`
    select count(*) as depth, min(case when next_attempt_at <= ${now} then next_attempt_at end) as oldest
    from outbound_messages where status = 'pending'`);
  const set = (queue: "delivery" | "outbound", row: QueueRow | undefined) =>
    setQueueState(queue, Number(row?.depth ?? 0), row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest), now);
  set("delivery", deliveries);
  set("outbound", outbound);
}

/**
 * GET /metrics: 404 without METRICS_TOKEN (as if there were no such route), 401 without the
 * right bearer, else this process's metrics in the Prometheus text format.
 */
export async function metricsResponse(request: Request, now = Date.now()): Promise<Response> {
  const token = env().METRICS_TOKEN;
  if (!token) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return new Response("Unauthorized", {
      status: 401,
      headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  try {
    await readQueues(now);
  } catch (error) {
    // The process's own metrics are still worth answering; the queue gauges keep their last values.
    log.error("metrics: could not read the queues", { error: (error as Error).message });
  }
  const { contentType, body } = await metricsText(instanceId());
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
}
