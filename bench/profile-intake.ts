/**
 * `npx tsx bench/profile-intake.ts [connections] [seconds]`: where the SQLite intake's CPU time goes.
 * Starts the production server (as bench/intake.ts does) with `node --cpu-prof`, drives it with
 * the bench's signed ~7 KB pushes (instance-wide GitHub URL) for `seconds` at `connections`, lets
 * the dispatcher drain, stops the server so the profile is written, then sums the profile's
 * samples into the parts of the hot path (self time of the functions, attributed to a part by the
 * innermost frame of ours, see `PARTS`). Prints the table and the profile's path; the profile
 * itself opens in Chrome's DevTools or speedscope.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { appEnvironment, ensureBuild, freePort, ROOT, seedOwner, SERVER_NODE_FLAGS, sleep } from "./harness";
import { drive, SECRET } from "./intake";

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** The parts, by the innermost frame that matches (first match wins, checked from the leaf up). */
const PARTS: [part: string, matches: (frame: ProfileNode["callFrame"]) => boolean][] = [
  [
    "dispatcher: leases, attempts, workflow runs",
    (f) => /lib\/(webhooks\/(dispatcher|webhook-trigger|handlers)|queue|runs|mastra|outbox)/.test(f.url) || /@mastra/.test(f.url),
  ],
  ["intake: group commit (COMMIT, fsync)", (f) => /db\/group-commit/.test(f.url)],
  ["intake: insert statement", (f) => /db\/sql\/intake/.test(f.url)],
  ["intake: signature (HMAC, compare)", (f) => /lib\/webhooks\/(verify|signatures|safe-equal|signed-request)/.test(f.url)],
  ["intake: body read (readCapped, budget)", (f) => /lib\/http\/limited-body|intake-budget|node-intake.*bodyOf/.test(f.url + f.functionName)],
  [
    "intake: parse (UTF-8, JSON, fields)",
    (f) => /lib\/webhooks\/payload|lib\/connections/.test(f.url) || (/intake\.ts/.test(f.url) && /field|examine/.test(f.functionName)),
  ],
  ["intake: headers (copy, redact)", (f) => /redact|headersOf/.test(f.url + f.functionName)],
  ["intake: the rest of intake.ts / node-intake.ts", (f) => /lib\/webhooks\/(intake|node-intake)/.test(f.url)],
  ["metrics, tracing (no-op), log", (f) => /lib\/platform\/(metrics|tracing|log)|prom-client|@opentelemetry/.test(f.url)],
  ["drizzle / better-sqlite3 (other)", (f) => /drizzle-orm|better-sqlite3|db\/(client|sqlite-gate)/.test(f.url)],
  ["Next.js (pages, routes)", (f) => /\.next\/|node_modules\/next\//.test(f.url)],
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
    for (let at: number | undefined = id; !part && at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      part = PARTS.find(([, matches]) => matches(frame))?.[0];
    }
    part ??= "other (program, runtime)";
    totals.set(part, (totals.get(part) ?? 0) + ms);
  }
  return [...totals].sort((a, b) => b[1] - a[1]).map(([part, ms]) => ({ part, ms: Math.round(ms), share: `${((100 * ms) / all).toFixed(1)}%` }));
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
