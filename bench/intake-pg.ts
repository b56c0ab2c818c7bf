/**
 * Bench (a2): webhook intake on PostgreSQL, driven as bench/intake.ts drives SQLite (the same
 * autocannon runs, signed ~7 KB pushes with unique delivery ids, median of rounds, every 2xx looked
 * up afterwards). Two deployments, one after the other, on one PostgreSQL:
 *   - x1: one Patchbay production process (server.ts), beside one floor process (bench/floor-pg.ts);
 *   - x3: three Patchbay processes on the same database, beside three floor processes, the
 *     connections spread round-robin over the three as a balancer does (connection i to process
 *     i mod 3; at one connection, the first process takes it all).
 * Patchbay's database and the floor's are two databases of the same server. The one-process runs
 * come first with only one Patchbay process started, so its dispatcher does all the processing
 * as it would alone; then two more processes join for the three-process runs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { appEnvironment, freePort, sleep, startApp, stopApp, type AppServer } from "./harness";
import { drive, median, SECRET, startFloorProcess, type IntakeRow } from "./intake";
import { describeSettings, migrateBenchDatabase, postgresSettings, startBenchPostgres } from "./postgres";

export const PG_TARGETS = ["pg patchbay x1", "pg floor x1", "pg patchbay x3", "pg floor x3"] as const;
type PgTarget = (typeof PG_TARGETS)[number];

/** Patchbay's default DATABASE_POOL_SIZE: each floor process gets as many connections as each Patchbay process. */
const POOL_SIZE = 10;

/**
 * walFlushes: WAL flushes to disk (pg_stat_wal.wal_sync, the whole server) from the start of a run
 * until Patchbay's dispatchers have drained after it, per delivery acknowledged: what intake and
 * processing cost in fsyncs, against the floor's one commit per request.
 */
export type PgIntakeRow = IntakeRow & { walFlushes: number; walFlushesPerDelivery: number };

export type PgIntakeResult = {
  rows: PgIntakeRow[];
  rounds: PgIntakeRow[];
  notes: string[];
  settings: Record<string, string>;
  loadAverage: { start: number[]; end: number[] };
  lost: number;
};

/** How many of the acknowledged delivery ids are not stored as accepted rows. */
async function countLost(pool: pg.Pool, acknowledged: Set<string>): Promise<number> {
  if (acknowledged.size === 0) return 0;
  const { rows } = await pool.query<{ n: number }>(
    "select count(*)::int as n from webhook_deliveries where status <> 'rejected' and delivery_id = any($1::text[])",
    [[...acknowledged]],
  );
  return acknowledged.size - rows[0]!.n;
}

/** WAL flushes so far; backends report their statistics within about a second of going idle, so it waits for that first. */
async function walFlushes(pool: pg.Pool): Promise<number> {
  await sleep(1500);
  const { rows } = await pool.query<{ n: number }>("select wal_sync::int8 as n from pg_stat_wal");
  return rows[0]!.n;
}

/** Waits (bounded) until every Patchbay dispatcher has drained, so each run starts from the same state. */
async function drained(pool: pg.Pool, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      "select count(*)::int as n from webhook_deliveries where status in ('received', 'processing', 'retrying')",
    );
    const n = rows[0]!.n;
    if (n === 0 || Date.now() > deadline) return n;
    await sleep(500);
  }
}

type Target = { name: PgTarget; urls: string[]; pool: pg.Pool };

export async function benchIntakePostgres(levels = [1, 16, 64], durationS = 5, rounds = 3): Promise<PgIntakeResult> {
  const loadStart = loadavg();
  const notes: string[] = [];
  const all: PgIntakeRow[] = [];
  const database = await startBenchPostgres();
  const keys = { AUTH_SECRET: randomBytes(32).toString("hex"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  const apps: AppServer[] = [];
  const floors: { url: string; child: import("node:child_process").ChildProcess }[] = [];
  const dataDirs: string[] = [];
  let appPool: pg.Pool | undefined;
  let floorPool: pg.Pool | undefined;
  const acknowledged = new Set<string>();
  const startPatchbay = async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "patchbay-bench-pg-"));
    dataDirs.push(dataDir);
    const env = appEnvironment(dataDir, port, { ...keys, DATABASE_URL: database.url, GITHUB_WEBHOOK_SECRET: SECRET, DATABASE_POOL_SIZE: String(POOL_SIZE) });
    const app = await startApp({ port, dataDir, env });
    apps.push(app);
    return app;
  };
  try {
    const settings = await postgresSettings(database.url);
    notes.push(describeSettings(settings));
    const floorUrl = await database.another();
    await migrateBenchDatabase(floorUrl);
    floorPool = new pg.Pool({ connectionString: floorUrl, max: 2 });
    for (let index = 0; index < 3; index++) floors.push(await startFloorProcess("floor-pg.ts", [floorUrl, SECRET, String(POOL_SIZE)]));

    await startPatchbay();
    appPool = new pg.Pool({ connectionString: database.url, max: 2 });
    const ownerId = randomUUID();
    await appPool.query(`insert into "user" (id, name, email, role) values ($1, 'Bench owner', $2, 'owner')`, [ownerId, `owner-${ownerId}@example.com`]);
    // Owner of the default workspace, where the instance-wide URL delivers, as an account made by the app is.
    await appPool.query(`insert into memberships (workspace_id, user_id, role) values ('default', $1, 'owner')`, [ownerId]);

    const run = async (targets: Target[]) => {
      // Warm-up: compile paths, JIT, fill the pools.
      for (const target of targets)
        await drive(target.urls, 4 * target.urls.length, 2, target.name, target.name.includes("patchbay") ? acknowledged : new Set());
      for (const connections of levels) {
        for (let round = 0; round < rounds; round++) {
          // Each round starts with a different target, so a slow spell of this shared machine does not always hit the same one.
          const order = round % 2 === 0 ? targets : [...targets].reverse();
          for (const target of order) {
            const pending = await drained(appPool!, 300_000);
            if (pending > 0) notes.push(`patchbay: ${pending} deliveries still pending or processing before a ${connections}-connection ${target.name} run`);
            const flushesBefore = await walFlushes(appPool!);
            const ids = new Set<string>();
            const row = await drive(target.urls, connections, durationS, target.name, ids);
            row.lost = await countLost(target.pool, ids);
            if (target.name.includes("patchbay")) for (const id of ids) acknowledged.add(id);
            await drained(appPool!, 300_000);
            const flushes = (await walFlushes(appPool!)) - flushesBefore;
            all.push({ ...row, walFlushes: flushes, walFlushesPerDelivery: row.acknowledged > 0 ? +(flushes / row.acknowledged).toFixed(2) : 0 });
          }
        }
      }
    };

    await run([
      { name: "pg patchbay x1", urls: [apps[0]!.url], pool: appPool },
      { name: "pg floor x1", urls: [floors[0]!.url], pool: floorPool },
    ]);
    await drained(appPool, 300_000);
    // Two more Patchbay processes join the same database (they find it migrated).
    await Promise.all([startPatchbay(), startPatchbay()]);
    await run([
      { name: "pg patchbay x3", urls: apps.map((app) => app.url), pool: appPool },
      { name: "pg floor x3", urls: floors.map((floor) => floor.url), pool: floorPool },
    ]);

    const pending = await drained(appPool, 120_000);
    const lost = await countLost(appPool, acknowledged);
    notes.push(`patchbay: ${acknowledged.size} deliveries acknowledged in all, lost ${lost}; ${pending} still pending processing 120 s after the last run`);
    const rows = PG_TARGETS.flatMap((target) =>
      levels.map((connections) => median(all.filter((row) => row.target === target && row.connections === connections))),
    );
    return { rows, rounds: all, notes, settings, loadAverage: { start: loadStart, end: loadavg() }, lost: all.reduce((sum, row) => sum + row.lost, 0) };
  } catch (error) {
    for (const app of apps) console.error(`--- patchbay ${app.port} output\n${app.output().slice(-3000)}`);
    throw error;
  } finally {
    for (const app of apps) await stopApp(app);
    for (const floor of floors) floor.child.kill("SIGTERM");
    await appPool?.end();
    await floorPool?.end();
    await sleep(500);
    await database.stop();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  }
}
