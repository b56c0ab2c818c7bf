import { sql } from "drizzle-orm";
import { rows, usingPostgres } from "@/db/client";

/** How one attempt at a delivery ended, for its row. */
export type DeliveryOutcome = {
  id: number;
  /** The attempt the delivery must still be leased to (its `attempts` when it was taken). */
  attempts: number;
  status: "processed" | "retrying" | "failed";
  processingMs: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  /** The workflow run the attempt started, kept as it was when there is none. */
  workflowRunId: string | null;
};

/**
 * dialect: settles the deliveries of many ended attempts in one statement, each only while it is
 * still leased to that attempt (status processing, same attempt count): the lease released, the
 * outcome written. Returns the ids settled; a delivery missing from them was taken over by another
 * dispatcher after its lease ran out, and that one owns it now. The outcomes go as one JSON
 * parameter: SQLite's UPDATE ... FROM json_each, PostgreSQL's json_to_recordset.
 */
export async function settleDeliveries(outcomes: DeliveryOutcome[]): Promise<Set<number>> {
  if (outcomes.length === 0) return new Set();
  const json = JSON.stringify(outcomes);
  const settled = usingPostgres()
    ? await rows<{ id: number }>(sql`
        update webhook_deliveries d set
          status = o.status, lease_until = null, replay_requested = false, processing_ms = o."processingMs",
          last_error = o."lastError", next_attempt_at = o."nextAttemptAt", workflow_run_id = coalesce(o."workflowRunId", d.workflow_run_id)
        from json_to_recordset(${json}::json) as o(id bigint, attempts integer, status text, "processingMs" integer, "lastError" text, "nextAttemptAt" bigint, "workflowRunId" text)
        where d.id = o.id and d.status = 'processing' and d.attempts = o.attempts
        returning d.id`)
    : await rows<{ id: number }>(sql`
        update webhook_deliveries set
          status = o.value ->> 'status', lease_until = null, replay_requested = 0, processing_ms = o.value ->> 'processingMs',
          last_error = o.value ->> 'lastError', next_attempt_at = o.value ->> 'nextAttemptAt',
          workflow_run_id = coalesce(o.value ->> 'workflowRunId', webhook_deliveries.workflow_run_id)
        from json_each(${json}) as o
        where webhook_deliveries.id = o.value ->> 'id' and webhook_deliveries.status = 'processing' and webhook_deliveries.attempts = o.value ->> 'attempts'
        returning webhook_deliveries.id`);
  return new Set(settled.map((row) => Number(row.id)));
}
