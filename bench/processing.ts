/**
 * Bench (f): processing throughput. Seeds a backlog of BENCH_BACKLOG (default 2,000) received GitHub
 * pushes without TODO: lines (process-github-push runs its two steps and calls nothing outside),
 * then drains it with the dispatcher (processDueDeliveries, WEBHOOK_PROCESSING_CONCURRENCY in flight, 64 by default, as the server runs it) and
 * reports deliveries/s. Where the time goes, by draining equal backlogs three ways:
 *   - "record": every delivery only recorded (the lease, the attempt's commit, the notices): the
 *     dispatcher's own cost;
 *   - "workflow": process-github-push for every delivery, as in production;
 *   - "mastra alone": the same workflow run directly through Mastra (createRun + start) with no
 *     Patchbay table written: Mastra's set-up and execution share.
 * Commits per delivery: on PostgreSQL the WAL flushes (pg_stat_wal.wal_sync: the durable commits,
 * less those that shared a flush; a read or a notice's asynchronous commit waits for none); on SQLite the fsyncs of this process, counted by strace
 * over a further, untimed drain of a tenth of the backlog (every commit is one at
 * synchronous=FULL; strace slows the process, so that drain is not timed).
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/processing.ts, on PostgreSQL with
 * BENCH_PROCESSING_DATABASE_URL set.
 * Prints one line "RESULT <json>" at the end.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pushPayload } from "../tests/support/push-payload";

const backlog = Number(process.env.BENCH_BACKLOG ?? 2000);
const postgresUrl = process.env.BENCH_PROCESSING_DATABASE_URL?.trim() || undefined;
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-processingbench-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = postgresUrl ?? `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");
// Processing does not wait for intake here: there is none.
process.env.WEBHOOK_PROCESSING_MAX_DELAY_MS = "0";

const { db, databaseReady, closeDatabase, rows, usingPostgres } = await import("@/db/client");
const { sql } = await import("drizzle-orm");
const { users, memberships, webhookDeliveries } = await import("@/db/schema");
const { processDueDeliveries } = await import("@/lib/webhooks/dispatcher");
const { mastra } = await import("@/lib/mastra");
const { pushFromPayload } = await import("@/lib/mastra/workflows/process-github-push");
const { requestContextFor } = await import("@/lib/tools");

await databaseReady();
const ownerId = randomUUID();
await db()
  .insert(users)
  .values({ id: ownerId, name: "Bench owner", email: `owner-${ownerId}@example.com`, role: "owner" });
await db().insert(memberships).values({ workspaceId: "default", userId: ownerId, role: "owner" });

const body = pushPayload({ commits: 3 });

async function seed(count: number, event: string): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, index) => ({
      workspaceId: "default",
      providerId: "github",
      dedupeKey: `bench:${randomUUID()}`,
      deliveryId: randomUUID(),
      event,
      receivedAt: now,
      headers: { "content-type": "application/json" },
      body,
      bodyBytes: body.length,
      verified: true,
      status: "received" as const,
      nextAttemptAt: now + index - 1_000_000,
    }));
    await db().insert(webhookDeliveries).values(batch);
  }
}

/**
 * PostgreSQL so far (the whole server: a throwaway cluster of its own): WAL flushes (each durable
 * commit waits for one, concurrent ones may share it) and transactions committed in this database.
 */
async function commits(): Promise<{ walFlushes: number; transactions: number }> {
  await new Promise((resolve) => setTimeout(resolve, 1200)); // backends report their statistics about a second after going idle
  const [row] = await rows<{ wal: number | string; xacts: number | string }>(
    sql`select (select wal_sync from pg_stat_wal) as wal, (select xact_commit from pg_stat_database where datname = current_database()) as xacts`,
  );
  return { walFlushes: Number(row!.wal), transactions: Number(row!.xacts) };
}

/** SQLite: the fsyncs this process makes while `work` runs (strace on its main thread, where better-sqlite3 commits). */
async function fsyncsDuring(work: () => Promise<unknown>): Promise<number | undefined> {
  const tracer = spawn("strace", ["-c", "-e", "trace=fsync,fdatasync", "-p", String(process.pid)], { stdio: ["ignore", "ignore", "pipe"] });
  let report = "";
  tracer.stderr.on("data", (chunk) => (report += chunk));
  const exited = new Promise((resolve) => tracer.once("close", resolve));
  tracer.once("error", () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    await work();
  } finally {
    tracer.kill("SIGINT");
    await exited;
  }
  const calls = [...report.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)\s*$/gm)].map((match) => Number(match[1]));
  return report.includes("attached") ? calls.reduce((sum, n) => sum + n, 0) : undefined;
}

const drainAll = () => processDueDeliveries({ pollMs: 50 });

async function drain(label: string, count: number, event: string) {
  await seed(count, event);
  const before = usingPostgres() ? await commits() : undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const attempts = await drainAll();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = usingPostgres() ? await commits() : undefined;
  const [left] = await rows<{ n: number | string }>(sql`select count(*) as n from webhook_deliveries where status <> 'processed'`);
  let perDelivery: Record<string, number | undefined>;
  if (before && after) {
    perDelivery = {
      walFlushesPerDelivery: +((after.walFlushes - before.walFlushes) / count).toFixed(2),
      // Every transaction, a read's too (and the statistics query itself, a few in all).
      transactionsPerDelivery: +((after.transactions - before.transactions) / count).toFixed(2),
    };
  } else {
    const sample = Math.max(50, Math.round(count / 10));
    await seed(sample, event);
    const fsyncs = await fsyncsDuring(drainAll);
    perDelivery = { fsyncsPerDelivery: fsyncs === undefined ? undefined : +(fsyncs / sample).toFixed(2) };
  }
  return {
    label,
    deliveries: count,
    attempts,
    notProcessed: Number(left!.n),
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(count / seconds),
    msPerDelivery: +((seconds * 1000) / count).toFixed(2),
    // This process's CPU (all its threads) per delivery: what a quiet machine's rate is bounded by, however busy this one is.
    cpuMsPerDelivery: +((cpu.user + cpu.system) / 1000 / count).toFixed(2),
    // ... of which in the kernel (the fsyncs, the file writes).
    systemCpuMsPerDelivery: +(cpu.system / 1000 / count).toFixed(2),
    ...perDelivery,
  };
}

/** Mastra alone: the same workflow with the same input, `concurrency` at a time, no Patchbay table written. */
async function mastraAlone(count: number, concurrency = 16) {
  const workflow = mastra().getWorkflow("process-github-push");
  const input = pushFromPayload.parse(JSON.parse(body));
  const context = requestContextFor({ userId: ownerId, workspaceId: "default" });
  let next = 0;
  let createMs = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const created = performance.now();
        const run = await workflow.createRun();
        createMs += performance.now() - created;
        const result = await run.start({ inputData: input as never, requestContext: context });
        if (result.status !== "success") throw new Error(`mastra run ended ${result.status}`);
        await workflow.deleteWorkflowRunById(run.runId);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    label: "mastra alone",
    deliveries: count,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(count / seconds),
    createRunMsEach: +(createMs / count).toFixed(3),
  };
}

try {
  // Warm-up: compile paths, fill caches.
  await drain("warm-up", 50, "push");
  const result = {
    database: usingPostgres() ? "postgres" : "sqlite",
    backlog,
    record: await drain("record", backlog, "ping"),
    workflow: await drain("workflow", backlog, "push"),
    mastra: await mastraAlone(backlog),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
