/**
 * Bench (f): processing a backlog of 1,000 GitHub pushes (a) through the shipped automation alone
 * (one workflow step: process-github-push, as the hard-coded mapping did before automations), and
 * (b) through ten more automations matching every push, each a JSONata filter and one mapped step
 * that calls nothing outside (a condition), so 11 runs per delivery. Reports deliveries/s, runs/s
 * and the cost per run beside (a). SQLite in a temporary directory, the dispatcher as the server
 * runs it (WEBHOOK_PROCESSING_CONCURRENCY in flight, 64 by default), no network.
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/automations.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dataDir = mkdtempSync(join(tmpdir(), "patchbay-automationbench-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");
process.env.APP_URL ??= "http://127.0.0.1:3000";

const { sql } = await import("drizzle-orm");
const { closeDatabase, databaseReady, rows } = await import("@/db/client");
const { DEFAULT_WORKSPACE_ID } = await import("@/db/schema");
const { createLocalUser } = await import("@/lib/auth/users");
const { createAutomation, ensureShippedAutomations } = await import("@/lib/automations/store");
const { insertAccepted } = await import("@/lib/webhooks/deliveries");
const { processDueDeliveries } = await import("@/lib/webhooks/dispatcher");
const { pushPayload } = await import("@/tests/support/push-payload");

const DELIVERIES = Number(process.env.BENCH_AUTOMATION_DELIVERIES ?? 1000);
const EXTRA_AUTOMATIONS = 10;

async function backlog(label: string, count: number): Promise<void> {
  const body = pushPayload({ commits: 3 });
  for (let index = 0; index < count; index++) {
    await insertAccepted({
      workspaceId: DEFAULT_WORKSPACE_ID,
      providerId: "github",
      dedupeKey: `bench:${label}:${index}`,
      deliveryId: `${label}-${index}`,
      event: "push",
      receivedAt: Date.now(),
      headers: { "content-type": "application/json" },
      body,
      bodyBytes: body.length,
      verified: true,
      status: "received",
      nextAttemptAt: Date.now(),
    });
  }
}

async function drain(
  label: string,
  count = DELIVERIES,
): Promise<{ seconds: number; deliveriesPerSecond: number; runs: number; runsPerSecond: number; processed: number }> {
  await backlog(label, count);
  const before = Number((await rows<{ n: number }>(sql`select count(*) as n from automation_runs`))[0]!.n);
  const started = performance.now();
  await processDueDeliveries({ pollMs: 50 });
  const seconds = (performance.now() - started) / 1000;
  const runs = Number((await rows<{ n: number }>(sql`select count(*) as n from automation_runs`))[0]!.n) - before;
  const processed = Number(
    (await rows<{ n: number }>(sql`select count(*) as n from webhook_deliveries where status = 'processed' and dedupe_key like ${`bench:${label}:%`}`))[0]!.n,
  );
  return {
    seconds: +seconds.toFixed(2),
    deliveriesPerSecond: +(count / seconds).toFixed(1),
    runs,
    runsPerSecond: +(runs / seconds).toFixed(1),
    processed,
  };
}

try {
  await databaseReady();
  const owner = await createLocalUser({ name: "Bench", email: "bench@example.com", password: "a long enough password" }, "owner", true);
  await ensureShippedAutomations(DEFAULT_WORKSPACE_ID);
  // Warm-up, not counted: the first deliveries load the modules processing imports lazily and JIT-compile the path.
  await drain("warm-up", 50);
  const shippedOnly = await drain("shipped");
  const actor = { userId: owner.id, workspaceId: DEFAULT_WORKSPACE_ID };
  for (let index = 0; index < EXTRA_AUTOMATIONS; index++) {
    await createAutomation(
      actor,
      {
        name: `Bench ${index}`,
        definition: {
          trigger: { kind: "delivery", providerId: "github", event: "push", filter: `$count(payload.commits) > ${index % 3}` },
          steps: [{ key: "check", kind: "condition", when: `payload.ref = "refs/heads/main" and $count(payload.commits[$contains(message, "TODO")]) >= 0` }],
        },
      },
      { enabled: true },
    );
  }
  const withTen = await drain("ten");
  const summary = {
    deliveries: DELIVERIES,
    shippedOnly,
    withTenMore: withTen,
    runsPerDeliveryWithTen: +(withTen.runs / DELIVERIES).toFixed(1),
    timeRatio: +(withTen.seconds / shippedOnly.seconds).toFixed(2),
  };
  console.log(`RESULT ${JSON.stringify(summary)}`);
} finally {
  await closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
// The expression worker and Mastra may hold handles open; the report is printed.
process.exit(0);
