/**
 * Bench (e): retention at scale. Seeds a temporary database with BENCH_RETENTION_ROWS (default
 * 1,000,000) finished deliveries older than the cut-off, then stores new deliveries at a steady
 * pace through the intake's insert (lib/webhooks/deliveries.ts) twice: alone, and while
 * applyRetention trims the old rows. Reports the insert latency of both, how long retention took,
 * and the file size before and after (incremental vacuum).
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/retention.ts
 * Prints one line "RESULT <json>" at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const rows = Number(process.env.BENCH_RETENTION_ROWS ?? 1_000_000);
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-retentionbench-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const { db, closeDatabase } = await import("@/db/client");
const { insertAccepted } = await import("@/lib/webhooks/deliveries");
const { applyRetention } = await import("@/lib/server/retention");

/** The instance-wide URL's workspace, which the migrations create (DEFAULT_WORKSPACE_ID). */
const WORKSPACE = "default";
const DAY = 86_400_000;
/** Bodies as deliveries come: most around 1 KB (pings, issue events), one in five a 6 KB push that spills onto overflow pages. */
const bodyOf = (size: number) => JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octo/bench" }, commits: [{ message: "x".repeat(size) }] });
const small = bodyOf(1000);
const large = bodyOf(6000);
const body = large;
const client = db().$client;

const seedStarted = Date.now();
const insert = client.prepare(
  `insert into webhook_deliveries (workspace_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, attempts)
   values (?, 'github', ?, ?, 'push', ?, '{"content-type":"application/json"}', ?, ?, 1, 'processed', 1)`,
);
const oldest = Date.now() - 60 * DAY;
for (let start = 0; start < rows; start += 10_000) {
  client.transaction(() => {
    for (let index = start; index < Math.min(rows, start + 10_000); index++) {
      const seeded = index % 5 === 0 ? large : small;
      insert.run(WORKSPACE, `seed:${index}`, `seed-${index}`, oldest + index, seeded, seeded.length);
    }
  })();
}
client.pragma("wal_checkpoint(TRUNCATE)");
const seedSeconds = (Date.now() - seedStarted) / 1000;
const sizeBefore = statSync(join(dataDir, "patchbay.db")).size;

let sequence = 0;
/**
 * Stores one delivery every `intervalMs` until `done()`. Each latency runs from when the insert was
 * due to when it committed, so time spent waiting behind a retention batch (which holds the event
 * loop and the write lock) is counted.
 */
async function steadyIntake(intervalMs: number, done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!done()) {
    const due = performance.now() + intervalMs;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    sequence++;
    const now = Date.now();
    await insertAccepted({
      workspaceId: WORKSPACE,
      providerId: "github",
      dedupeKey: `live:${sequence}`,
      deliveryId: `live-${sequence}`,
      event: "push",
      receivedAt: now,
      headers: {},
      body,
      bodyBytes: body.length,
      verified: true,
      status: "received",
      nextAttemptAt: now,
    });
    latencies.push(performance.now() - due);
  }
  return latencies;
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 100) / 100;
  return { inserts: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

const baselineEnd = performance.now() + 5000;
const alone = summary(await steadyIntake(10, () => performance.now() > baselineEnd));

let finished = false;
const retentionStarted = performance.now();
const retention = applyRetention({ webhookDays: 30, runDays: 0 }).finally(() => (finished = true));
const during = summary(await steadyIntake(10, () => finished));
const result = await retention;
const retentionSeconds = Math.round((performance.now() - retentionStarted) / 100) / 10;
client.pragma("wal_checkpoint(TRUNCATE)");
const sizeAfter = statSync(join(dataDir, "patchbay.db")).size;
const kept = (client.prepare("select count(*) as count from webhook_deliveries").get() as { count: number }).count;

await closeDatabase();
rmSync(dataDir, { recursive: true, force: true });
console.log(
  `RESULT ${JSON.stringify({ rows, seedSeconds, alone, during, retentionSeconds, trimmed: result.deliveries, pagesFreed: result.pagesFreed, rowsKept: kept, sizeBeforeMb: Math.round(sizeBefore / 1e6), sizeAfterMb: Math.round(sizeAfter / 1e6) })}`,
);
