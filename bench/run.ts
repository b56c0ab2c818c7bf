/**
 * `npm run bench`: a benchmark with a report, not a timed test. Loopback only; every loop is
 * bounded. Runs (a) webhook intake against the production build and the two floors, once with the
 * databases on the data disk and once on tmpfs (/dev/shm, a disk with cheap fsync; BENCH_INTAKE_DIRS
 * names the directories), each against issue 30's goals, (a2) intake on
 * PostgreSQL with one and three Patchbay processes and their floors, (b) the log viewer's queries
 * at 100k and 1M rows, (b2) the same at 1M rows on PostgreSQL, (c) the single-flight token refresh,
 * (d) OpenAPI import of GitHub's REST description (d2: through the production server), (e) retention's effect on intake latency at 1M
 * rows, (f) processing 1,000 pushes through the shipped automation, then through ten more
 * automations each. Prints tables and writes bench/results/<date>.json.
 *
 * (g) processing throughput draining a backlog (bench/processing.ts), on SQLite and PostgreSQL.
 *
 * BENCH_ONLY=intake,intake-pg,log,log-pg,token,openapi,retention,automations,processing picks parts (the default), and
 * chart (not by default: log and log-pg include it) the log's chart, total and suggestions alone at
 * 1,000,000 rows on SQLite and PostgreSQL, before and after the hourly roll-up; BENCH_DURATION sets
 * seconds per intake run, BENCH_ROUNDS how many runs per level and target (the median is reported).
 * The PostgreSQL parts use a throwaway cluster with PostgreSQL's durable defaults, or a fresh
 * database on the server of BENCH_DATABASE_URL; without PostgreSQL installed they are skipped.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SERVER_ENV, SERVER_NODE_FLAGS, ensureBuild } from "./harness";
import { benchIntake, type IntakeRow } from "./intake";
import { benchIntakePostgres } from "./intake-pg";
import { NOT_INSTALLED, findPostgresBinaries } from "../tests/support/postgres";

const only = new Set((process.env.BENCH_ONLY ?? "intake,intake-pg,log,log-pg,token,openapi,retention,automations,processing").split(","));
const duration = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, loadAverageAtStart: loadavg() },
};
const load = (figures: number[]) => figures.map((figure) => figure.toFixed(2)).join(" / ");
/** PostgreSQL for the PostgreSQL parts: a server given, or one installed for the throwaway cluster. */
const postgresMissing = !process.env.BENCH_DATABASE_URL?.trim() && !findPostgresBinaries();

/** In-process benches of the server's work run with the memory settings `npm start` gives the server. */
const AS_THE_SERVER: Record<string, string> = { ...SERVER_ENV, NODE_OPTIONS: [process.env.NODE_OPTIONS, ...SERVER_NODE_FLAGS].filter(Boolean).join(" ") };

function child(script: string, env: Record<string, string> = {}, timeoutMinutes = 15): unknown {
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", join(ROOT, "bench", script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMinutes * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = result.stdout.split("\n").find((text) => text.startsWith("RESULT "));
  if (!line) throw new Error(`${script} produced no result (exit ${result.status}):\n${result.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(7));
}

type Latency = { inserts: number; p50: number; p99: number; max: number };

/** The intake rows with their ratio to a floor (`floorOf` names the floor row to compare a row with, if any). */
function intakeTable<Row extends IntakeRow>(
  rows: Row[],
  ratioHeader: string,
  floorOf: (row: Row) => IntakeRow | undefined,
  ...extras: [header: string, value: (row: Row) => number | string][]
): void {
  const ratio = (candidate: Row) => {
    const floor = floorOf(candidate);
    return floor ? `${(candidate.rps / floor.rps).toFixed(2)}x` : "";
  };
  table(
    ["target", "conns", "req/s", "mean ms", "p50 ms", "p99 ms", "max ms", "non-2xx", "errors", "2xx", "lost", ratioHeader, ...extras.map(([header]) => header)],
    rows.map((candidate) => [
      candidate.target,
      candidate.connections,
      candidate.rps,
      candidate.mean,
      candidate.p50,
      candidate.p99,
      candidate.max,
      candidate.non2xx,
      candidate.errors + candidate.timeouts,
      candidate.acknowledged,
      candidate.lost,
      ratio(candidate),
      ...extras.map(([, value]) => value(candidate)),
    ]),
  );
}

function table(headers: string[], rows: (string | number)[][]): void {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => String(row[index]).length)));
  const line = (cells: (string | number)[]) =>
    cells.map((cell, index) => (typeof cell === "number" ? String(cell).padStart(widths[index]!) : String(cell).padEnd(widths[index]!))).join("  ");
  console.log(line(headers));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log("");
}

/**
 * Where intake's databases go, one pass each: the data disk (the temporary directory) and tmpfs
 * (/dev/shm: a disk with cheap fsync, where CPU per delivery rather than fsync sets the pace).
 * BENCH_INTAKE_DIRS (comma-separated) names others; a directory that is missing is skipped.
 */
function intakeDirectories(): { dir: string; label: string }[] {
  const given = process.env.BENCH_INTAKE_DIRS?.split(",")
    .map((dir) => dir.trim())
    .filter(Boolean);
  const dirs = given ?? [...new Set([tmpdir(), "/dev/shm"])];
  return dirs.filter((dir) => existsSync(dir)).map((dir) => ({ dir, label: isTmpfs(dir) ? `${dir}, tmpfs (cheap fsync)` : `${dir}, the data disk` }));
}

function isTmpfs(dir: string): boolean {
  const found = spawnSync("stat", ["-f", "-c", "%T", dir], { encoding: "utf8" });
  return found.stdout.trim() === "tmpfs";
}

/**
 * Issue 30's goals for SQLite intake, on any disk: never slower than the one-commit-per-request
 * floor at the same durability (floor-full), at least half the no-fsync ceiling (floor-normal),
 * p99 no worse than floor-full's. Checked at every level; one line per level.
 */
function intakeGoals(rows: IntakeRow[], levels: number[]): { level: number; target: string; met: boolean; line: string }[] {
  const find = (target: string, connections: number) => rows.find((candidate) => candidate.target === target && candidate.connections === connections);
  return levels
    .flatMap((level) => ["patchbay", "patchbay-endpoint"].map((target) => ({ level, target })))
    .flatMap(({ level, target }) => {
      const ours = find(target, level);
      const full = find("floor-full", level);
      const normal = find("floor-normal", level);
      if (!ours || !full || !normal) return [];
      const checks = [
        { ok: ours.rps >= full.rps, text: `${(ours.rps / full.rps).toFixed(2)}x floor-full (>= 1)` },
        // floor-full's own ratio beside it: at one connection on a disk with dear fsync no server at that durability reaches 0.5.
        {
          ok: ours.rps >= 0.5 * normal.rps,
          text: `${(ours.rps / normal.rps).toFixed(2)}x floor-normal (>= 0.5; floor-full ${(full.rps / normal.rps).toFixed(2)}x)`,
        },
        { ok: ours.p99 <= full.p99, text: `p99 ${ours.p99} ms vs floor-full's ${full.p99} ms (<=)` },
      ];
      const met = checks.every((check) => check.ok);
      return [
        {
          level,
          target,
          met,
          line: `${target.padEnd(17)} ${String(level).padStart(2)} conns: ${checks.map((check) => `${check.text} ${check.ok ? "ok" : "NO"}`).join(", ")} -> ${met ? "met" : "NOT met"}`,
        },
      ];
    });
}

if (only.has("intake")) {
  await ensureBuild();
  const levels = [1, 16, 64];
  const passes: Record<string, unknown>[] = [];
  for (const [index, { dir, label }] of intakeDirectories().entries()) {
    console.log(
      `(a${index === 0 ? "" : `.${index + 1}`}) webhook intake, databases in ${label}: signed ~7 KB GitHub pushes, unique delivery ids, ${duration} s per run; Patchbay (its instance-wide URL, and a workspace endpoint's URL: patchbay-endpoint) and the two one-commit-per-request floors (synchronous=FULL, NORMAL) in turn, ${rounds} rounds per level, median round shown\n`,
    );
    const loadBefore = loadavg();
    const { rows, rounds: allRounds, notes } = await benchIntake(levels, duration, rounds, { dataRoot: dir });
    const row = (target: IntakeRow["target"], connections: number) =>
      rows.find((candidate) => candidate.target === target && candidate.connections === connections);
    intakeTable(
      rows,
      "vs FULL floor",
      (candidate) => (candidate.target === "floor-full" ? undefined : row("floor-full", candidate.connections)),
      ["CPU ms/req", (candidate) => candidate.cpuMsPerRequest ?? ""],
      [
        "vs NORMAL",
        (candidate) => (candidate.target.startsWith("patchbay") ? `${(candidate.rps / row("floor-normal", candidate.connections)!.rps).toFixed(2)}x` : ""),
      ],
    );
    console.log("  CPU ms/req: the server's CPU time (user + system, all its processes) during the run per request; the load generator shares the 2 cores.");
    const goals = intakeGoals(rows, levels);
    console.log("  goals (issue 30): never slower than floor-full, at least half of floor-normal, p99 no worse than floor-full's:");
    for (const goal of goals) console.log(`    ${goal.line}`);
    for (const target of ["patchbay", "patchbay-endpoint"]) {
      const mine = goals.filter((goal) => goal.target === target);
      const at64 = mine.find((goal) => goal.level === 64);
      console.log(`    ${target}: at 64 connections ${at64?.met ? "met" : "NOT met"}; at every level ${mine.every((goal) => goal.met) ? "met" : "NOT met"}`);
    }
    const ours64 = row("patchbay", 64);
    const floor64 = row("floor-full", 64);
    if (index === 0 && ours64 && floor64) {
      const ratio = ours64.rps / floor64.rps;
      console.log(
        `  the earlier goal at 64 connections: >= 1.5x the FULL floor and p99 < 50 ms: ${ratio.toFixed(2)}x, p99 ${ours64.p99} ms -> ${ratio >= 1.5 && ours64.p99 < 50 ? "met" : "NOT met"}`,
      );
    }
    for (const note of notes) console.log(`  ${note}`);
    const lost = allRounds.reduce((sum, candidate) => sum + candidate.lost, 0);
    console.log(`  load average (1 / 5 / 15 min): ${load(loadBefore)} before, ${load(loadavg())} after`);
    console.log(`\n  lost: ${lost} (every 2xx of every round is a stored row)\n`);
    passes.push({ dir, label, rows, rounds: allRounds, notes, lost, goals });
  }
  // report.intake stays the first pass (the data disk), as before; every pass in intakePasses.
  report.intake = passes[0];
  report.intakePasses = passes;
}

if (only.has("intake-pg")) {
  if (postgresMissing) console.log(`(a2) intake on PostgreSQL: skipped (${NOT_INSTALLED})\n`);
  else {
    await ensureBuild();
    console.log(
      `(a2) webhook intake on PostgreSQL: one and three Patchbay processes on one database, each beside its floor (bench/floor-pg.ts, as many processes, one commit per request), connections spread round-robin over the processes; ${duration} s per run, ${rounds} rounds per level, median round shown\n`,
    );
    const result = await benchIntakePostgres([1, 16, 64], duration, rounds);
    const row = (target: string, connections: number) => result.rows.find((candidate) => candidate.target === target && candidate.connections === connections);
    intakeTable(
      result.rows,
      "vs its floor",
      (candidate) => (candidate.target.includes("patchbay") ? row(candidate.target.replace("patchbay", "floor"), candidate.connections) : undefined),
      ["WAL flushes/2xx", (candidate) => candidate.walFlushesPerDelivery],
    );
    console.log(
      "  WAL flushes/2xx: pg_stat_wal.wal_sync from the start of the run until every dispatcher has drained after it, per delivery acknowledged (intake and processing)",
    );
    for (const note of result.notes) console.log(`  ${note}`);
    console.log(`  load average (1 / 5 / 15 min): ${load(result.loadAverage.start)} before, ${load(result.loadAverage.end)} after`);
    console.log(`\n  lost: ${result.lost} (every 2xx of every round is a stored row)\n`);
    report.intakePostgres = result;
  }
}

if (only.has("log")) {
  console.log("(b) log viewer queries (lib/webhooks/queries.ts), median of 7 runs\n");
  const results = child("log-viewer.ts") as {
    size: number;
    seedSeconds: number;
    timings: { name: string; medianMs: number; maxMs: number; rows: number; plan: string[] }[];
  }[];
  const names = results[0]!.timings.map((timing) => timing.name);
  table(
    ["query", ...results.flatMap((result) => [`${result.size / 1000}k median ms`, "max ms"])],
    names.map((name, index) => [
      name.replace(/ \(row [\d,]+\)/, ""),
      ...results.flatMap((result) => [result.timings[index]!.medianMs, result.timings[index]!.maxMs]),
    ]),
  );
  console.log("  query plans (at the largest size):");
  for (const timing of results.at(-1)!.timings) console.log(`  ${timing.name.padEnd(40)} ${timing.plan.join(" | ")}`);
  console.log(`\n  seeding: ${results.map((result) => `${result.size.toLocaleString("en")} rows in ${result.seedSeconds} s (cumulative)`).join(", ")}\n`);
  report.logViewer = results;
}

if (only.has("log-pg")) {
  if (postgresMissing) console.log(`(b2) log viewer on PostgreSQL: skipped (${NOT_INSTALLED})\n`);
  else {
    console.log("(b2) log viewer queries on PostgreSQL (lib/webhooks/queries.ts through db/client.ts), median of 7 runs\n");
    const result = child("log-viewer-pg.ts", {}, 60) as {
      settings: Record<string, string>;
      loadAverage: { start: number[]; end: number[] };
      results: {
        size: number;
        seedSeconds: number;
        tableSize: string;
        totalSize: string;
        timings: { name: string; medianMs: number; maxMs: number; rows: number; plan: string[] }[];
      }[];
    };
    const { results } = result;
    table(
      ["query", ...results.flatMap((entry) => [`${entry.size / 1000}k median ms`, "max ms", "rows"])],
      results[0]!.timings.map((timing, index) => [
        timing.name.replace(/ \(row [\d,]+\)/, ""),
        ...results.flatMap((entry) => [entry.timings[index]!.medianMs, entry.timings[index]!.maxMs, entry.timings[index]!.rows]),
      ]),
    );
    console.log("  query plans (at the largest size):");
    for (const timing of results.at(-1)!.timings) console.log(`  ${timing.name.padEnd(40)} ${timing.plan.join(" | ")}`);
    console.log(
      `\n  seeding: ${results.map((entry) => `${entry.size.toLocaleString("en")} rows in ${entry.seedSeconds} s (cumulative; table ${entry.tableSize}, with indexes ${entry.totalSize})`).join(", ")}`,
    );
    console.log(`  load average (1 / 5 / 15 min): ${load(result.loadAverage.start)} before, ${load(result.loadAverage.end)} after\n`);
    report.logViewerPostgres = result;
  }
}

if (only.has("chart")) {
  console.log("(b3) the log's chart at 1,000,000 rows (lib/webhooks/chart.ts), median of 7 runs; goal: under 50 ms for every filter\n");
  type ChartResult = { size: number; rollUpSeconds: number; timings: { name: string; medianMs: number; maxMs: number; rows: number; plan: string[] }[] };
  const sqlite = (child("log-viewer.ts", { BENCH_LOG_SIZES: "1000000", BENCH_LOG_PARTS: "chart" }, 45) as ChartResult[]).at(-1)!;
  const postgres = postgresMissing
    ? undefined
    : (child("log-viewer-pg.ts", { BENCH_PG_LOG_SIZES: "1000000", BENCH_LOG_PARTS: "chart" }, 60) as { results: ChartResult[] }).results.at(-1)!;
  table(
    ["query", "SQLite median ms", "max ms", "PostgreSQL median ms", "max ms", "rows"],
    sqlite.timings.map((timing, index) => [
      timing.name,
      timing.medianMs,
      timing.maxMs,
      postgres?.timings[index]?.medianMs ?? "-",
      postgres?.timings[index]?.maxMs ?? "-",
      timing.rows,
    ]),
  );
  console.log(
    `\n  rolling up 30 days of 1,000,000 rows: SQLite ${sqlite.rollUpSeconds} s, PostgreSQL ${postgres?.rollUpSeconds ?? "-"} s (once; then an hour at a time)\n`,
  );
  report.chart = { sqlite, postgres };
}

if (only.has("token")) {
  console.log("(c) token refresh: 100 concurrent getAccessToken on one connection whose token is due\n");
  const result = child("token-refresh.ts") as Record<string, number | number[]>;
  table(
    ["token requests per round", "distinct tokens", "fresh: wall ms", "due: wall ms", "added ms"],
    [
      [
        String(result.tokenRequestsPerRound),
        String(result.distinctTokensPerRound),
        result.freshWallMs as number,
        result.dueWallMs as number,
        result.addedMs as number,
      ],
    ],
  );
  report.tokenRefresh = result;
}

if (only.has("openapi")) {
  console.log("(d) OpenAPI import, as the server does it (its own capped process, the import bounds)\n");
  const results = ["github", "fixture"].map((document) => child("openapi.ts", { BENCH_OPENAPI_DOCUMENT: document }) as Record<string, unknown>);
  table(
    ["document", "MB", "operations", "warnings", "seconds", "peak RSS MB", "parser peak RSS MB", "baseline RSS MB"],
    results.map((result) => [
      String(result.document),
      result.megabytes as number,
      result.operations as number,
      result.warnings as number,
      result.seconds as number,
      result.peakRssMb as number,
      result.parserPeakRssMb as number,
      result.baselineRssMb as number,
    ]),
  );
  report.openapi = results;

  console.log("\n(d2) GitHub's description through the production server: upload, paste and URL (issue 29: each under 500 MB and 5 s)\n");
  const server = child("openapi-server.ts") as { steps?: Record<string, unknown>[]; skipped?: string };
  if (server.steps)
    table(
      ["request", "status", "operations", "seconds", "CPU s server + parser", "load", "server RSS before MB", "server peak RSS MB", "parser peak RSS MB"],
      server.steps.map((step) => [
        String(step.step),
        String(step.status),
        step.operations as number,
        step.seconds as number,
        `${step.serverCpuSeconds as number} + ${step.parserCpuSeconds as number}`,
        step.loadAverage as number,
        step.serverRssBeforeMb as number,
        step.serverPeakRssMb as number,
        step.parserPeakRssMb as number,
      ]),
    );
  else console.log(`skipped: ${server.skipped}`);
  report.openapiServer = server;
}

if (only.has("retention")) {
  console.log("(e) retention: a delivery stored every 10 ms, alone and while retention trims old deliveries\n");
  // Seeding a million rows and trimming them takes half an hour on a quiet 2-core machine.
  const result = child("retention.ts", {}, 90) as {
    rows: number;
    alone: Latency;
    during: Latency;
    retentionSeconds: number;
    trimmed: number;
    rowsKept: number;
    sizeBeforeMb: number;
    sizeAfterMb: number;
  };
  table(
    ["intake", "inserts", "p50 ms", "p99 ms", "max ms"],
    [
      ["alone", result.alone.inserts, result.alone.p50, result.alone.p99, result.alone.max],
      ["during retention", result.during.inserts, result.during.p50, result.during.p99, result.during.max],
    ],
  );
  console.log(
    `  ${result.trimmed.toLocaleString("en")} of ${result.rows.toLocaleString("en")} deliveries trimmed in ${result.retentionSeconds} s; ${result.rowsKept.toLocaleString("en")} rows kept; file ${result.sizeBeforeMb} MB -> ${result.sizeAfterMb} MB\n`,
  );
  report.retention = result;
}

if (only.has("automations")) {
  console.log("(f) automations: a backlog of 1,000 pushes, through the shipped automation, then with ten more matching each\n");
  type Drain = { seconds: number; deliveriesPerSecond: number; runs: number; runsPerSecond: number };
  const result = child("automations.ts", AS_THE_SERVER, 30) as { deliveries: number; shippedOnly: Drain; withTenMore: Drain; timeRatio: number };
  table(
    ["backlog", "deliveries", "runs", "seconds", "deliveries/s", "runs/s"],
    [
      [
        "shipped automation only",
        result.deliveries,
        result.shippedOnly.runs,
        result.shippedOnly.seconds,
        result.shippedOnly.deliveriesPerSecond,
        result.shippedOnly.runsPerSecond,
      ],
      [
        "+ 10 automations each",
        result.deliveries,
        result.withTenMore.runs,
        result.withTenMore.seconds,
        result.withTenMore.deliveriesPerSecond,
        result.withTenMore.runsPerSecond,
      ],
    ],
  );
  console.log(`  eleven runs per delivery take ${result.timeRatio}x the time of one\n`);
  report.automations = result;
}

if (only.has("processing")) {
  const backlog = Number(process.env.BENCH_BACKLOG ?? 2000);
  console.log(
    `(g) processing: a backlog of ${backlog} received pushes without TODO: lines drained by the dispatcher (${process.env.WEBHOOK_PROCESSING_CONCURRENCY ?? 64} in flight): recorded only, through process-github-push (nothing outside), and the workflow through Mastra alone\n`,
  );
  type Drained = {
    seconds: number;
    perSecond: number;
    msPerDelivery: number;
    cpuMsPerDelivery: number;
    notProcessed: number;
    walFlushesPerDelivery?: number;
    transactionsPerDelivery?: number;
    fsyncsPerDelivery?: number;
  };
  type Processing = { database: string; record: Drained; workflow: Drained; mastra: { perSecond: number; seconds: number; createRunMsEach: number } };
  const results: Processing[] = [child("processing.ts", AS_THE_SERVER) as Processing];
  if (!postgresMissing) {
    const { startBenchPostgres } = await import("./postgres");
    const database = await startBenchPostgres();
    try {
      results.push(child("processing.ts", { ...AS_THE_SERVER, BENCH_PROCESSING_DATABASE_URL: database.url }) as Processing);
    } finally {
      await database.stop();
    }
  }
  table(
    ["database", "drain", "deliveries/s", "ms each", "CPU ms each", "fsyncs each", "transactions each", "not processed"],
    results.flatMap((result) => [
      [
        result.database,
        "recorded only",
        result.record.perSecond,
        result.record.msPerDelivery,
        result.record.cpuMsPerDelivery,
        result.record.walFlushesPerDelivery ?? result.record.fsyncsPerDelivery ?? "",
        result.record.transactionsPerDelivery ?? "",
        result.record.notProcessed,
      ],
      [
        result.database,
        "process-github-push",
        result.workflow.perSecond,
        result.workflow.msPerDelivery,
        result.workflow.cpuMsPerDelivery,
        result.workflow.walFlushesPerDelivery ?? result.workflow.fsyncsPerDelivery ?? "",
        result.workflow.transactionsPerDelivery ?? "",
        result.workflow.notProcessed,
      ],
      [result.database, "Mastra alone (no tables)", result.mastra.perSecond, "", "", "", "", ""],
    ]),
  );
  console.log("  CPU ms each: this process's CPU time (every thread) per delivery, the bound on a quiet machine's rate (1,000 / CPU ms per core)");
  console.log("  fsyncs each: SQLite, this process's fsync calls (strace, an untimed drain); PostgreSQL, WAL flushes (pg_stat_wal.wal_sync)");
  console.log(
    "  transactions each: PostgreSQL, transactions committed in the database (pg_stat_database.xact_commit; reads and asynchronous commits count too)",
  );
  console.log("  goal: a backlog drains at >= 500 deliveries/s through a one-step workflow that calls nothing outside\n");
  report.processing = results;
}

report.loadAverageAtEnd = loadavg();
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
const file = join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 10)}.json`);
// A run of some parts (BENCH_ONLY) replaces those parts of the day's report and keeps the others.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
writeFileSync(file, `${JSON.stringify({ ...previous, ...report }, null, 2)}\n`);
console.log(`written ${file}`);
