/**
 * `npm run bench`: a benchmark with a report, not a timed test. Loopback only; every loop is
 * bounded. Runs (a) webhook intake against the production build and the floor, (b) the log
 * viewer's queries at 100k and 1M rows, (c) the single-flight token refresh, (d) OpenAPI import of
 * GitHub's REST description. Prints tables and writes bench/results/<date>.json.
 *
 * BENCH_ONLY=intake,log,token,openapi picks parts; BENCH_DURATION sets seconds per intake run,
 * BENCH_ROUNDS how many runs per level and target (the median is reported).
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ensureBuild } from "./harness";
import { benchIntake, type IntakeRow } from "./intake";

const only = new Set((process.env.BENCH_ONLY ?? "intake,log,token,openapi").split(","));
const duration = Number(process.env.BENCH_DURATION ?? 5);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version },
};

function child(script: string, env: Record<string, string> = {}): unknown {
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", join(ROOT, "bench", script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = result.stdout.split("\n").find((text) => text.startsWith("RESULT "));
  if (!line) throw new Error(`${script} produced no result (exit ${result.status}):\n${result.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(7));
}

function table(headers: string[], rows: (string | number)[][]): void {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => String(row[index]).length)));
  const line = (cells: (string | number)[]) => cells.map((cell, index) => (typeof cell === "number" ? String(cell).padStart(widths[index]!) : String(cell).padEnd(widths[index]!))).join("  ");
  console.log(line(headers));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log("");
}

if (only.has("intake")) {
  await ensureBuild();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  console.log(`(a) webhook intake: signed ~7 KB GitHub pushes, unique delivery ids, ${duration} s per run; Patchbay and the floor in turn, ${rounds} rounds per level, median round shown\n`);
  const { rows, rounds: allRounds, notes } = await benchIntake([1, 16, 64], duration, rounds);
  const floor = (connections: number) => rows.find((row) => row.target === "floor" && row.connections === connections);
  table(
    ["target", "conns", "req/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "errors", "2xx", "lost", "vs floor"],
    rows.map((row: IntakeRow) => [
      row.target,
      row.connections,
      row.rps,
      row.p50,
      row.p99,
      row.max,
      row.non2xx,
      row.errors + row.timeouts,
      row.acknowledged,
      row.lost,
      row.target === "patchbay" && floor(row.connections) ? `${Math.round((100 * row.rps) / floor(row.connections)!.rps)}%` : "",
    ]),
  );
  for (const note of notes) console.log(`  ${note}`);
  const lost = allRounds.reduce((sum, row) => sum + row.lost, 0);
  console.log(`\n  lost: ${lost} (every 2xx of every round is a stored row)\n`);
  report.intake = { rows, rounds: allRounds, notes, lost };
}

if (only.has("log")) {
  console.log("(b) log viewer queries (lib/webhooks/queries.ts), median of 7 runs\n");
  const results = child("log-viewer.ts") as { size: number; seedSeconds: number; timings: { name: string; medianMs: number; maxMs: number; rows: number; plan: string[] }[] }[];
  const names = results[0]!.timings.map((timing) => timing.name);
  table(
    ["query", ...results.flatMap((result) => [`${result.size / 1000}k median ms`, "max ms"])],
    names.map((name, index) => [name.replace(/ \(row [\d,]+\)/, ""), ...results.flatMap((result) => [result.timings[index]!.medianMs, result.timings[index]!.maxMs])]),
  );
  console.log("  query plans (at the largest size):");
  for (const timing of results.at(-1)!.timings) console.log(`  ${timing.name.padEnd(40)} ${timing.plan.join(" | ")}`);
  console.log(`\n  seeding: ${results.map((result) => `${result.size.toLocaleString("en")} rows in ${result.seedSeconds} s (cumulative)`).join(", ")}\n`);
  report.logViewer = results;
}

if (only.has("token")) {
  console.log("(c) token refresh: 100 concurrent getAccessToken on one connection whose token is due\n");
  const result = child("token-refresh.ts") as Record<string, number | number[]>;
  table(
    ["token requests per round", "distinct tokens", "fresh: wall ms", "due: wall ms", "added ms"],
    [[String(result.tokenRequestsPerRound), String(result.distinctTokensPerRound), result.freshWallMs as number, result.dueWallMs as number, result.addedMs as number]],
  );
  report.tokenRefresh = result;
}

if (only.has("openapi")) {
  console.log("(d) OpenAPI import, as the server does it (its own thread, the import bounds)\n");
  const results = ["github", "fixture"].map((document) => child("openapi.ts", { BENCH_OPENAPI_DOCUMENT: document }) as Record<string, unknown>);
  table(
    ["document", "MB", "operations", "warnings", "seconds", "peak RSS MB", "baseline RSS MB"],
    results.map((result) => [String(result.document), result.megabytes as number, result.operations as number, result.warnings as number, result.seconds as number, result.peakRssMb as number, result.baselineRssMb as number]),
  );
  report.openapi = results;
}

mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
const file = join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 10)}.json`);
// A run of some parts (BENCH_ONLY) replaces those parts of the day's report and keeps the others.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
writeFileSync(file, `${JSON.stringify({ ...previous, ...report }, null, 2)}\n`);
console.log(`written ${file}`);
