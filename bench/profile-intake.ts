/**
 * `npx tsx bench/profile-intake.ts [connections] [seconds]`: where the SQLite intake's CPU time goes.
 * Starts the production server (as bench/intake.ts does) with `node --cpu-prof`, drives it with
 * the bench's signed ~7 KB pushes (instance-wide GitHub URL) for `seconds` at `connections`, lets
 * the dispatcher drain, stops the server so the profile is written, then sums the profile's
 * samples into the parts of the hot path (self time of the functions, attributed to a part by the
 * innermost frame of ours, see `PARTS`). Prints the table and the profile's path; the profile
 * itself opens in Chrome's DevTools or speedscope.
 *
 * Frames in Next's server bundle (.next/server/chunks: the dispatcher, db/client, db/sqlite-commit
 * and everything else the app's instrumentation loads, which shares the process with server.ts's
 * intake) are mapped back to their sources through the bundle's source maps, so they count for the
 * part they are (the shared COMMIT, the dispatcher), not as "Next.js". The load starts once the
 * dispatcher has drained the warm-up's deliveries, so their processing is not in it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { appEnvironment, ensureBuild, freePort, ROOT, seedOwner, SERVER_NODE_FLAGS, sleep } from "./harness";
import { drive, SECRET } from "./intake";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

type SourceMaps = Map<string, { offset: { line: number; column: number }; map: SourceMap }[] | undefined>;
const sourceMaps: SourceMaps = new Map();

/** The sections of a bundle chunk's source map (Turbopack writes index maps), or undefined. */
function mapsOf(url: string): { offset: { line: number; column: number }; map: SourceMap }[] | undefined {
  if (!sourceMaps.has(url)) {
    let found: { offset: { line: number; column: number }; map: SourceMap }[] | undefined;
    try {
      const path = `${fileURLToPath(url)}.map`;
      if (existsSync(path)) {
        const payload = JSON.parse(readFileSync(path, "utf8")) as { sections?: { offset: { line: number; column: number }; map: object }[] };
        const sections = payload.sections ?? [{ offset: { line: 0, column: 0 }, map: payload }];
        found = sections.map((section) => ({ offset: section.offset, map: new SourceMap(section.map as ConstructorParameters<typeof SourceMap>[0]) }));
      }
    } catch {
      found = undefined;
    }
    sourceMaps.set(url, found);
  }
  return sourceMaps.get(url);
}

/** A frame in Next's server bundle as the source it was built from (its path and function), else the frame itself. */
function original(frame: CallFrame): CallFrame {
  if (!/\/\.next\/server\//.test(frame.url) || !frame.url.startsWith("file:")) return frame;
  const sections = mapsOf(frame.url);
  const { lineNumber: line, columnNumber: column } = frame;
  const section = sections?.filter(({ offset }) => offset.line < line || (offset.line === line && offset.column <= column)).at(-1);
  if (!section) return frame;
  const entry = section.map.findEntry(line - section.offset.line, line === section.offset.line ? column - section.offset.column : column) as {
    originalSource?: string;
    name?: string;
  };
  if (!entry.originalSource) return frame;
  // Sources are named relative to the chunk ("../../../lib/x.ts", "[project]/lib/x.ts"): the project's path is what PARTS match.
  const source = entry.originalSource.replace(/^.*?(\.\.\/)+/, "").replace(/^\[project\]\//, "");
  return { ...frame, url: `bundle:${source}`, functionName: entry.name ?? frame.functionName };
}

/**
 * The parts, by the innermost frame that matches (first match wins, checked from the leaf up). The
 * database library's frames (LIBRARY) count for the nearest caller of ours above them (the insert,
 * the commit), and for themselves only when none is on the stack: a query awaited through
 * drizzle runs from a later microtask, its caller no longer on the stack (the dispatcher's, mostly).
 */
const LIBRARY: [part: string, matches: (frame: CallFrame) => boolean] = [
  "drizzle / better-sqlite3 (queries whose caller is not on the stack: awaited ones, mostly the dispatcher's)",
  (f) => /drizzle-orm|better-sqlite3|db\/(client|sqlite-gate)/.test(f.url),
];
const PARTS: [part: string, matches: (frame: CallFrame) => boolean][] = [
  ["dispatcher: giving way to intake (intakeHasPriority's query per wake)", (f) => /intakeHasPriority/.test(f.functionName)],
  [
    "dispatcher: leases, attempts, workflow runs",
    (f) =>
      /lib\/(webhooks\/(dispatcher|webhook-trigger|handlers)|queue|runs|mastra|outbox|automations)/.test(f.url) ||
      /@mastra|node_modules\/(@mastra|ai)\//.test(f.url),
  ],
  ["intake: commit (BEGIN, COMMIT, WAL writes, fsync: group and shared commit)", (f) => /db\/(group-commit|sqlite-commit)/.test(f.url)],
  ["intake: insert statement", (f) => /db\/sql\/intake/.test(f.url)],
  ["intake: signature (HMAC, compare)", (f) => /lib\/webhooks\/(verify|signatures|safe-equal|signed-request)/.test(f.url)],
  ["intake: body read (readCapped, budget)", (f) => /lib\/http\/limited-body|intake-budget|node-intake.*readRequestCapped/.test(f.url + f.functionName)],
  [
    "intake: parse (UTF-8, JSON, fields)",
    (f) => /lib\/webhooks\/payload|lib\/connections/.test(f.url) || (/intake\.ts/.test(f.url) && /field|examine/.test(f.functionName)),
  ],
  ["intake: headers (copy, redact)", (f) => /redact|headersOf/.test(f.url + f.functionName)],
  ["intake: the rest of intake.ts / node-intake.ts", (f) => /lib\/webhooks\/(intake|node-intake)/.test(f.url)],
  ["metrics, tracing (no-op), log", (f) => /lib\/platform\/(metrics|tracing|log)|prom-client|@opentelemetry/.test(f.url)],
  ["app code in the bundle (other)", (f) => /^bundle:(lib|db)\//.test(f.url)],
  ["Next.js (pages, routes)", (f) => /\.next\/|node_modules\/next\/|^bundle:/.test(f.url)],
  ["node:http, sockets", (f) => /^node:(_http|http|net|stream|internal\/(http|stream|net))/.test(f.url) || /^node:internal\/streams/.test(f.url)],
];

/** Self time by part, of the samples taken between `fromMs` and `toMs` after the profile started (the load, not start-up). */
function summarise(profile: Profile, fromMs = 0, toMs = Infinity): { part: string; ms: number; share: string }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    at += delta;
    if (at >= fromMs && at <= toMs) selfMs.set(id, (selfMs.get(id) ?? 0) + delta);
  });
  const totals = new Map<string, number>();
  let all = 0;
  for (const [id, ms] of selfMs) {
    all += ms;
    const leaf = byId.get(id)!;
    let part: string | undefined;
    if (leaf.callFrame.functionName === "(idle)") part = "idle (waiting: fsync, sockets)";
    else if (leaf.callFrame.functionName === "(garbage collector)") part = "garbage collection";
    let inLibrary = false;
    for (let at: number | undefined = id; !part && at !== undefined; at = parent.get(at)) {
      const frame = original(byId.get(at)!.callFrame);
      if (LIBRARY[1](frame)) inLibrary = true;
      else part = PARTS.find(([, matches]) => matches(frame))?.[0];
    }
    if (!part && inLibrary) part = LIBRARY[0];
    part ??= "other (program, runtime)";
    totals.set(part, (totals.get(part) ?? 0) + ms);
  }
  return [...totals].sort((a, b) => b[1] - a[1]).map(([part, ms]) => ({ part, ms: Math.round(ms), share: `${((100 * ms) / all).toFixed(1)}%` }));
}

/** Waits (at most a minute) until the dispatcher has processed every delivery, so its work is not in the load's figures. */
async function drained(dbPath: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 250) {
    const database = new Database(dbPath, { readonly: true, fileMustExist: true });
    const { n } = database.prepare("select count(*) as n from webhook_deliveries where status in ('received', 'processing', 'retrying')").get() as {
      n: number;
    };
    database.close();
    if (n === 0) return;
    await sleep(250);
  }
}

/** The samples that were not idle: tsx's own process also writes a profile, nearly all idle. */
const busy = (profile: Profile) => {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  return profile.samples.filter((id) => !idle.has(id)).length;
};

function report(profileDir: string, heading: string, fromMs?: number, toMs?: number): void {
  const profiles = readdirSync(profileDir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => join(profileDir, name))
    .map((path) => ({ path, profile: JSON.parse(readFileSync(path, "utf8")) as Profile }))
    .sort((a, b) => busy(b.profile) - busy(a.profile));
  const server = profiles[0]!;
  console.log(`${heading}; profile ${server.path}`);
  console.table(summarise(server.profile, fromMs, toMs));
}

// `--report <dir>`: only summarise the profiles written before.
if (process.argv[2] === "--report") {
  report(process.argv[3]!, "summary", Number(process.argv[4] ?? 0), Number(process.argv[5] ?? Infinity));
  process.exit(0);
}

const connections = Number(process.argv[2] ?? 64);
const seconds = Number(process.argv[3] ?? 10);
await ensureBuild();
const port = await freePort();
const { mkdtempSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-profile-"));
const profileDir = join(dataDir, "profiles");
const env = appEnvironment(dataDir, port, { GITHUB_WEBHOOK_SECRET: SECRET });
// The server in one process (node --import tsx rather than tsx's CLI, which runs it in a child), so the profile is the server's.
const spawnedAt = Date.now();
const child = spawn(
  process.execPath,
  [
    "--cpu-prof",
    `--cpu-prof-dir=${profileDir}`,
    ...SERVER_NODE_FLAGS,
    "--import",
    "tsx",
    "--conditions=react-server",
    join(ROOT, "server.ts"),
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ],
  { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] },
);
const url = `http://127.0.0.1:${port}`;
for (let waited = 0; ; waited += 250) {
  if (waited > 60_000 || child.exitCode !== null) throw new Error("the server did not start");
  const healthy = await fetch(`${url}/api/health`).then(
    (response) => response.ok,
    () => false,
  );
  if (healthy) break;
  await sleep(250);
}
seedOwner(join(dataDir, "patchbay.db"));
await drive(url, 4, 2, "patchbay", new Set()); // warm-up
await drained(join(dataDir, "patchbay.db"));
const loadFrom = Date.now() - spawnedAt;
const row = await drive(url, connections, seconds, "patchbay", new Set());
const loadTo = Date.now() - spawnedAt;
await sleep(5000); // the dispatcher drains the burst
const exited = new Promise((resolve) => child.once("exit", resolve));
child.kill("SIGTERM"); // server.ts exits (process.exit), and Node writes the profile
await exited;
console.log(`the load: ${loadFrom}-${loadTo} ms after the server started (bench/profile-intake.ts --report ${profileDir} ${loadFrom} ${loadTo})`);
report(profileDir, `${row.rps} req/s at ${connections} connections for ${seconds} s (p99 ${row.p99} ms)`, loadFrom, loadTo);
console.log("after the load, while the dispatcher drains:");
report(profileDir, "the drain", loadTo, loadTo + 5000);
