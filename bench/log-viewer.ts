/**
 * Bench (b): the log viewer's queries at 100,000 and 1,000,000 deliveries. Seeds a temporary
 * database migrated with the app's migrations (db/client.ts) by bulk insert, then times the very
 * functions the Webhooks page calls (bench/log-queries.ts: listDeliveries with each filter and a
 * deep keyset cursor, the search (trigram index over delivery ids, repositories and payloads),
 * deliveryHistogram per range, failedCount, deliveryHealth, knownEvents) and prints EXPLAIN QUERY
 * PLAN for the SQL they ran. bench/log-viewer-pg.ts does the same on PostgreSQL. The seed's rows are finished deliveries, so the index triggers of
 * migration 0004 index them as they are inserted (included in the seeding time).
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/log-viewer.ts
 * Prints one line "RESULT <json>" at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sizes = (process.env.BENCH_LOG_SIZES ?? "100000,1000000").split(",").map(Number);
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-logbench-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${join(dataDir, "patchbay.db")}`;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const { db, closeDatabase } = await import("@/db/client");
const { measureChart, measureLogViewer } = await import("./log-queries");
/** Which timings: the chart (measured first, on the fresh table, then rolled up) and the list. */
const parts = (process.env.BENCH_LOG_PARTS ?? "chart,list").split(",");

type Captured = { sql: string; params: unknown[] };
let captured: Captured[] = [];
const client = db().$client;
const prepare = client.prepare.bind(client);
// Record the SQL and parameters drizzle runs, to EXPLAIN exactly those statements.
client.prepare = ((source: string) => {
  const statement = prepare(source);
  const proxy: object = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      if (property === "raw" || property === "pluck" || property === "expand" || property === "safeIntegers") {
        return (...args: unknown[]) => {
          (value as (...a: unknown[]) => unknown).apply(target, args);
          return proxy;
        };
      }
      if (property === "all" || property === "get" || property === "run" || property === "iterate") {
        return (...args: unknown[]) => {
          captured.push({ sql: source, params: args });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return proxy;
}) as typeof client.prepare;

/** The workspace whose log is viewed, and another team's sharing the table. */
const WORKSPACE = "bench-workspace";
const OTHER = "other-workspace";
const END = Date.UTC(2026, 10, 25, 12, 0, 0);
const SPAN = 30 * 86_400_000;
const providers = [
  { id: "github", share: 0.7, events: ["push", "push", "push", "pull_request", "pull_request", "issues", "ping", "workflow_run"] },
  { id: "stripe", share: 0.2, events: ["invoice.paid", "charge.succeeded", "customer.created"] },
  { id: "slack", share: 0.1, events: ["message", "app_mention"] },
];
let seeded = 0;
for (const id of [WORKSPACE, OTHER]) prepare("insert into workspaces (id, name) values (?, ?)").run(id, id);

/** Appends rows up to `target`, a million spanning the 30 days before END, oldest first (ids grow with time). */
function seed(target: number): number {
  const started = performance.now();
  client.pragma("synchronous = OFF");
  const insert = prepare(`insert into webhook_deliveries
    (workspace_id, provider_id, dedupe_key, delivery_id, event, action, repository, received_at, headers, body, body_bytes, verified, reason, status, attempts, processing_ms)
    values (?, ?, ?, ?, ?, ?, ?, ?, '{"content-type":"application/json"}', ?, ?, ?, ?, ?, ?, ?)`);
  let random = 42 + seeded;
  const next = () => (random = (random * 1103515245 + 12345) % 2147483648) / 2147483648;
  const batch = client.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const roll = next();
      const provider = roll < providers[0]!.share ? providers[0]! : roll < providers[0]!.share + providers[1]!.share ? providers[1]! : providers[2]!;
      const event = provider.events[Math.floor(next() * provider.events.length)]!;
      const statusRoll = next();
      const status = statusRoll < 0.86 ? "processed" : statusRoll < 0.91 ? "failed" : statusRoll < 0.96 ? "rejected" : "received";
      const verified = status === "rejected" ? 0 : 1;
      const workspace = next() < 0.95 ? WORKSPACE : OTHER;
      const receivedAt = END - SPAN + Math.floor(((index + next()) / 1_000_000) * SPAN);
      const deliveryId = `d-${index.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`;
      // Each payload has its own commit message; one in 5,000 rows shares a given message.
      const body = JSON.stringify({
        ref: "refs/heads/main",
        repository: { full_name: "org/repo" },
        head_commit: { message: `Fix issue ${index % 5000} in the parser` },
        pad: "x".repeat(160),
      });
      const repository = provider.id === "github" ? `org${Math.floor(next() * 20)}/repo-${Math.floor(next() * 50)}` : null;
      insert.run(
        workspace,
        provider.id,
        status === "rejected" ? null : `instance:${provider.id}:${deliveryId}`,
        deliveryId,
        event,
        event === "pull_request" ? "opened" : null,
        repository,
        receivedAt,
        body,
        body.length,
        verified,
        status === "rejected" ? "signature does not match the secret" : null,
        status,
        status === "received" ? 0 : 1,
        12,
      );
    }
  });
  for (let from = seeded; from < target; from += 20_000) batch(from, Math.min(target, from + 20_000));
  client.pragma("synchronous = FULL");
  // Merge the search index's segments into one: the state FTS5's automerge converges to over time.
  client.exec("insert into webhook_delivery_search(webhook_delivery_search) values ('optimize')");
  client.pragma("wal_checkpoint(TRUNCATE)");
  client.exec("analyze");
  const seconds = (performance.now() - started) / 1000;
  seeded = target;
  return seconds;
}

function explain(statement: Captured): string[] {
  const params = (statement.params[0] !== undefined && Array.isArray(statement.params[0]) ? statement.params[0] : statement.params) as unknown[];
  return (prepare(`explain query plan ${statement.sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
}

const tracer = {
  reset() {
    captured = [];
  },
  async explainMain() {
    const main = captured.find((statement) => /webhook_deliveries/.test(statement.sql)) ?? captured[0];
    return main ? explain(main) : [];
  },
};

async function cursorAt(offset: number): Promise<string> {
  const row = prepare("select received_at as at, id from webhook_deliveries where workspace_id = ? order by received_at desc, id desc limit 1 offset ?").get(
    WORKSPACE,
    offset,
  ) as { at: number; id: number };
  return `${row.at}.${row.id}`;
}

const results: { size: number; seedSeconds: number; rollUpSeconds?: number; timings: Awaited<ReturnType<typeof measureLogViewer>> }[] = [];
try {
  for (const size of sizes) {
    const seedSeconds = seed(size);
    const now = (prepare("select max(received_at) as at from webhook_deliveries").get() as { at: number }).at + 60_000;
    const workspaceRows = (prepare("select count(*) as n from webhook_deliveries where workspace_id = ?").get(WORKSPACE) as { n: number }).n;
    const sample = prepare("select delivery_id as id from webhook_deliveries where workspace_id = ? limit 1 offset ?").get(
      WORKSPACE,
      Math.floor(workspaceRows / 2),
    ) as {
      id: string;
    };
    const context = { workspaceId: WORKSPACE, now, sampleId: sample.id, workspaceRows, cursorAt };
    const chart = parts.includes("chart") ? await measureChart(context, tracer) : undefined;
    const timings = [...(chart?.timings ?? []), ...(parts.includes("list") ? await measureLogViewer(context, tracer) : [])];
    results.push({ size, seedSeconds: +seedSeconds.toFixed(1), rollUpSeconds: chart?.rollUpSeconds, timings });
    console.error(`log viewer: ${size.toLocaleString("en")} rows seeded in ${seedSeconds.toFixed(1)} s`);
  }
} finally {
  await closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`RESULT ${JSON.stringify(results)}`);
