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
import { appEnvironment, ensureBuild, freePort, seedOwner, sleep, startApp, stopApp } from "./harness";
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

function summarise(profile: Profile): { part: string; ms: number; share: string }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
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

const connections = Number(process.argv[2] ?? 64);
const seconds = Number(process.argv[3] ?? 10);
await ensureBuild();
const port = await freePort();
const { mkdtempSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const dataDir = mkdtempSync(join(tmpdir(), "patchbay-profile-"));
const profileDir = join(dataDir, "profiles");
const env = appEnvironment(dataDir, port, { GITHUB_WEBHOOK_SECRET: SECRET, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` });
const app = await startApp({ port, dataDir, env });
seedOwner(app.dbPath);
await drive(app.url, 4, 2, "patchbay", new Set()); // warm-up
const row = await drive(app.url, connections, seconds, "patchbay", new Set());
await sleep(5000); // the dispatcher drains the burst
await stopApp(app);
await sleep(1000);
// tsx's own process writes a profile too; the server's is the largest.
const profiles = readdirSync(profileDir)
  .map((name) => join(profileDir, name))
  .map((path) => ({ path, profile: JSON.parse(readFileSync(path, "utf8")) as Profile }))
  .sort((a, b) => b.profile.samples.length - a.profile.samples.length);
const server = profiles[0]!;
console.log(`${row.rps} req/s at ${connections} connections for ${seconds} s (p99 ${row.p99} ms); profile ${server.path}`);
console.table(summarise(server.profile));
