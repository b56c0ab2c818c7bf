import "server-only";
import { sql } from "drizzle-orm";
import { execute, rows, transaction } from "@/db/client";
import { pruneRateLimits } from "@/db/sql/rate-limits";
import { reclaimSpace } from "@/db/sql/reclaim-space";
import { type BackgroundLoop, env, log, startBackgroundLoop } from "@/lib/platform";
import { sweepExpiredSignInLinks } from "@/lib/auth";
import { sweepUnusedClients } from "@/lib/mcp";

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionOptions = {
  now?: number;
  webhookDays?: number;
  runDays?: number;
  auditDays?: number;
  /** Rows per write transaction: small, so intake never waits long for the write lock. */
  batchRows?: number;
  /** Pause between batches, so intake and the dispatcher get the database in between. */
  pauseMs?: number;
};

export type RetentionResult = { deliveries: number; toolRuns: number; workflowRuns: number; auditEntries: number; pagesFreed: number };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats a batched update until it changes nothing, pausing between batches. */
async function inBatches(batch: () => Promise<number>, pauseMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await batch();
    total += changed;
    if (changed === 0) return total;
    await pause(pauseMs);
  }
}

/**
 * Drops the bodies and headers of finished deliveries older than the webhook cut-off (not those a
 * forward still needs), and the inputs and outputs of finished runs older than the run cut-off.
 * Rows, statuses and dedupe keys stay, so a late redelivery is still recognised as a duplicate.
 * The update repeats the status condition outside the subquery: on PostgreSQL a row replayed
 * meanwhile by another process is re-checked at its latest version there, and left alone.
 */
export async function applyRetention(options: RetentionOptions = {}): Promise<RetentionResult> {
  const {
    now = Date.now(),
    webhookDays = env().WEBHOOK_RETENTION_DAYS,
    runDays = env().RUN_RETENTION_DAYS,
    auditDays = env().AUDIT_RETENTION_DAYS,
    batchRows = 250,
    pauseMs = 20,
  } = options;
  const result: RetentionResult = { deliveries: 0, toolRuns: 0, workflowRuns: 0, auditEntries: 0, pagesFreed: 0 };
  if (webhookDays > 0) {
    const cutoff = now - webhookDays * DAY_MS;
    result.deliveries = await inBatches(
      () =>
        execute(sql`
          update webhook_deliveries set body = '', headers = '{}', trimmed_at = ${now}
          where trimmed_at is null and status in ('processed', 'failed', 'rejected') and id in (
            select d.id from webhook_deliveries d
            where d.trimmed_at is null and d.received_at < ${cutoff} and d.status in ('processed', 'failed', 'rejected')
              and not exists (select 1 from outbound_messages m where m.delivery_id = d.id and m.status in ('pending', 'sending'))
            limit ${batchRows})`),
      pauseMs,
    );
  }
  if (runDays > 0) {
    const cutoff = now - runDays * DAY_MS;
    result.toolRuns = await inBatches(
      () =>
        execute(sql`
          update tool_runs set input = 'null', output = null, trimmed_at = ${now}
          where id in (select id from tool_runs where trimmed_at is null and started_at < ${cutoff} and status <> 'running' limit ${batchRows})`),
      pauseMs,
    );
    result.workflowRuns = await inBatches(
      () =>
        transaction(async () => {
          const ids = (
            await rows<{ id: string }>(
              sql`select id as "id" from workflow_runs where trimmed_at is null and started_at < ${cutoff} and status <> 'running' limit ${batchRows}`,
            )
          ).map((row) => row.id);
          if (ids.length === 0) return 0;
          const list = sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          );
          await execute(sql`update workflow_run_steps set input = null, output = null where run_id in (${list})`);
          return execute(sql`update workflow_runs set input = 'null', output = null, trimmed_at = ${now} where id in (${list})`);
        }),
      pauseMs,
    );
  }
  if (auditDays > 0) {
    const cutoff = now - auditDays * DAY_MS;
    result.auditEntries = await inBatches(
      () => execute(sql`delete from audit_events where id in (select id from audit_events where at < ${cutoff} limit ${batchRows})`),
      pauseMs,
    );
  }
  if (result.deliveries + result.toolRuns + result.workflowRuns > 0) result.pagesFreed = await inBatches(() => reclaimSpace(), pauseMs);
  return result;
}

/** What the Webhooks page says about retention. */
export function retentionPolicy(): { webhookDays: number; runDays: number } {
  return { webhookDays: env().WEBHOOK_RETENTION_DAYS, runDays: env().RUN_RETENTION_DAYS };
}

const RETENTION_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Applies retention at start-up and then every ten minutes; drops the rate-limit rows that limit
 * nothing any more, the OAuth clients that never obtained a token within a day, and expired
 * password-reset links and sign-in challenges.
 */
export function startRetention(): BackgroundLoop {
  return startBackgroundLoop(
    "retention",
    async () => {
      const result = await applyRetention();
      if (result.deliveries + result.toolRuns + result.workflowRuns > 0) log.info("retention applied", result);
      await pruneRateLimits();
      const clients = await sweepUnusedClients();
      if (clients > 0) log.info("unused OAuth clients removed", { clients });
      await sweepExpiredSignInLinks();
    },
    { intervalMs: RETENTION_INTERVAL_MS },
  );
}
