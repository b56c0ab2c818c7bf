/**
 * Bench (b2): the log viewer's queries on PostgreSQL at 1,000,000 deliveries (BENCH_PG_LOG_SIZES),
 * the same list as bench/log-viewer.ts (bench/log-queries.ts), through the app's own code path:
 * DATABASE_URL points at a PostgreSQL database (bench/postgres.ts: a durable throwaway cluster, or
 * BENCH_DATABASE_URL), migrated by db/client.ts's databaseReady (db/migrations-pg, with the
 * pg_trgm index of 0001), and the query functions run on its pool. Prints EXPLAIN for the main
 * statement each ran.
 *
 * Seeding is one `insert ... select generate_series` per size with the same mix of rows as the
 * SQLite bench (providers, events, statuses, users, 30 days, one payload message per 5,000 rows;
 * delivery ids in hex instead of base 36), with the table's secondary indexes dropped before and
 * built again after from their own definitions (pg_indexes), then VACUUM ANALYZE: what a real
 * table reaches after autovacuum.
 *
 * Run by bench/run.ts as: tsx --conditions=react-server bench/log-viewer-pg.ts
 * Prints one line "RESULT <json>" at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describeSettings, postgresSettings, startBenchPostgres } from "./postgres";

const sizes = (process.env.BENCH_PG_LOG_SIZES ?? "1000000").split(",").map(Number);
const loadStart = loadavg();
const database = await startBenchPostgres();
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-logbench-pg-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = database.url;
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const { db, databaseReady, closeDatabase } = await import("@/db/client");
const { measureChart, measureLogViewer } = await import("./log-queries");
/** Which timings: the chart (measured first, on the fresh table, then rolled up) and the list. */
const parts = (process.env.BENCH_LOG_PARTS ?? "chart,list").split(",");

/** The workspace whose log is viewed, and another team's sharing the table. */
const WORKSPACE = "bench-workspace";
const OTHER = "other-workspace";
const END = Date.UTC(2026, 10, 25, 12, 0, 0);
const SPAN = 30 * 86_400_000;

type Captured = { text: string; values: unknown[] };
let captured: Captured[] = [];

/** The app's pool (db/client.ts), wrapped to record the SQL and parameters drizzle sends, to EXPLAIN exactly those. */
function tracePool(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, values?: unknown) => {
    const text = typeof config === "string" ? config : (config as { text: string }).text;
    captured.push({ text, values: Array.isArray(values) ? values : ((config as { values?: unknown[] }).values ?? []) });
    return query(config, values);
  };
}

/**
 * Rows `from` to `to` - 1, oldest first (ids grow with time): each row's random draws in one
 * materialized step, then the columns from them, as the SQLite seed derives them.
 */
const SEED = `
  with draws as materialized (
    select i, random() as p, random() as e, random() as s, random() as u, random() as t, random() as d, random() as r1, random() as r2
    from generate_series($1::bigint, $2::bigint - 1) as i
  ), picked as (
    select *, case when p < 0.7 then 'github' when p < 0.9 then 'stripe' else 'slack' end as provider,
      case when s < 0.86 then 'processed' when s < 0.91 then 'failed' when s < 0.96 then 'rejected' else 'received' end as status,
      'd-' || to_hex(i) || '-' || to_hex((d * 1e9)::int) as delivery
    from draws
  ), shaped as (
    select *, case provider
        when 'github' then (array['push','push','push','pull_request','pull_request','issues','ping','workflow_run'])[1 + floor(e * 8)::int]
        when 'stripe' then (array['invoice.paid','charge.succeeded','customer.created'])[1 + floor(e * 3)::int]
        else (array['message','app_mention'])[1 + floor(e * 2)::int] end as event,
      '{"ref":"refs/heads/main","repository":{"full_name":"org/repo"},"head_commit":{"message":"Fix issue ' || (i % 5000) || ' in the parser"},"pad":"' || repeat('x', 160) || '"}' as body
    from picked
  )
  insert into webhook_deliveries
    (workspace_id, provider_id, dedupe_key, delivery_id, event, action, repository, received_at, headers, body, body_bytes, verified, reason, status, attempts, processing_ms)
  select case when u < 0.95 then '${WORKSPACE}' else '${OTHER}' end, provider,
    case when status = 'rejected' then null else 'instance:' || provider || ':' || delivery end, delivery, event,
    case when event = 'pull_request' then 'opened' end,
    case when provider = 'github' then 'org' || floor(r1 * 20) || '/repo-' || floor(r2 * 50) end,
    ${END - SPAN} + floor(((i + t) / 1000000.0) * ${SPAN})::bigint,
    '{"content-type":"application/json"}'::jsonb, body, length(body), status <> 'rejected',
    case when status = 'rejected' then 'signature does not match the secret' end,
    status, case when status = 'received' then 0 else 1 end, 12
  from shaped order by i`;

let seeded = 0;

/** Appends rows up to `target` with the secondary indexes dropped, then builds them again and analyzes. */
async function seed(client: pg.Client, target: number): Promise<number> {
  const started = performance.now();
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes where schemaname = 'public' and tablename = 'webhook_deliveries' and indexname <> 'webhook_deliveries_pkey'`,
  );
  for (const index of indexes) await client.query(`drop index "${index.name}"`);
  await client.query("select setseed($1)", [0.42 - seeded / 1e8]);
  await client.query(SEED, [seeded, target]);
  for (const index of indexes) await client.query(index.definition);
  await client.query("vacuum (analyze) webhook_deliveries");
  seeded = target;
  return (performance.now() - started) / 1000;
}

function compactPlan(lines: string[]): string[] {
  return lines
    .filter((line, index) => index === 0 || line.includes("->"))
    .map((line) =>
      line
        .replace(/^\s*->\s*/, "")
        .replace(/\s*\(cost=[^)]*\)/, "")
        .trim(),
    );
}

const results: {
  size: number;
  seedSeconds: number;
  tableSize: string;
  totalSize: string;
  rollUpSeconds?: number;
  timings: Awaited<ReturnType<typeof measureLogViewer>>;
}[] = [];
let settings: Record<string, string> = {};
const seeder = new pg.Client({ connectionString: database.url });
try {
  await databaseReady();
  settings = await postgresSettings(database.url);
  console.error(`log viewer on ${describeSettings(settings)}`);
  const pool = db().$client as unknown as pg.Pool;
  await seeder.connect();
  // As the SQLite seed turns synchronous off: nothing here is a delivery anyone was promised.
  await seeder.query("set synchronous_commit = off");
  await seeder.query("set maintenance_work_mem = '256MB'");
  for (const id of [WORKSPACE, OTHER]) await seeder.query(`insert into workspaces (id, name) values ($1, $1)`, [id]);
  tracePool(pool);
  const tracer = {
    reset() {
      captured = [];
    },
    async explainMain() {
      const main = captured.find((statement) => /webhook_deliveries/.test(statement.text)) ?? captured[0];
      if (!main) return [];
      const { rows } = await seeder.query<{ "QUERY PLAN": string }>(`explain ${main.text}`, main.values);
      return compactPlan(rows.map((row) => row["QUERY PLAN"]));
    },
  };
  for (const size of sizes) {
    const seedSeconds = await seed(seeder, size);
    console.error(`log viewer (PostgreSQL): ${size.toLocaleString("en")} rows seeded in ${seedSeconds.toFixed(1)} s`);
    const one = async <T>(text: string, values: unknown[]) => (await seeder.query(text, values)).rows[0] as T;
    const now = Number((await one<{ at: string }>("select max(received_at) as at from webhook_deliveries", [])).at) + 60_000;
    const workspaceRows = (await one<{ n: number }>("select count(*)::int as n from webhook_deliveries where workspace_id = $1", [WORKSPACE])).n;
    const sample = await one<{ id: string }>("select delivery_id as id from webhook_deliveries where workspace_id = $1 order by id limit 1 offset $2", [
      WORKSPACE,
      Math.floor(workspaceRows / 2),
    ]);
    const cursorAt = async (offset: number) => {
      const row = await one<{ at: string; id: string }>(
        "select received_at as at, id from webhook_deliveries where workspace_id = $1 order by received_at desc, id desc limit 1 offset $2",
        [WORKSPACE, offset],
      );
      return `${row.at}.${row.id}`;
    };
    const context = { workspaceId: WORKSPACE, now, sampleId: sample.id, workspaceRows, cursorAt };
    const chart = parts.includes("chart") ? await measureChart(context, tracer) : undefined;
    const timings = [...(chart?.timings ?? []), ...(parts.includes("list") ? await measureLogViewer(context, tracer) : [])];
    const footprint = await one<{ table: string; total: string }>(
      `select pg_size_pretty(pg_relation_size('webhook_deliveries')) as "table", pg_size_pretty(pg_total_relation_size('webhook_deliveries')) as total`,
      [],
    );
    results.push({
      size,
      seedSeconds: +seedSeconds.toFixed(1),
      rollUpSeconds: chart?.rollUpSeconds,
      tableSize: footprint.table,
      totalSize: footprint.total,
      timings,
    });
  }
} finally {
  await seeder.end().catch(() => undefined);
  await closeDatabase();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`RESULT ${JSON.stringify({ settings, loadAverage: { start: loadStart, end: loadavg() }, results })}`);
