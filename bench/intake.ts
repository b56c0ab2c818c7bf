/**
 * Bench (a): webhook intake under autocannon, against the production server (its instance-wide
 * URL and a workspace endpoint's URL) and against two
 * floors (bench/floor.ts, one commit per request, at synchronous=FULL and at NORMAL), at 1, 16 and
 * 64 connections for a fixed duration each. Every request is a signed ~7 KB GitHub push with its
 * own delivery id; afterwards every 2xx delivery id is looked up in the database ("lost" counts the
 * ones that are not there). bench/intake-pg.ts drives the same way on PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { appEnvironment, freePort, githubHeaders, pushBody, seedEndpoint, seedOwner, sleep, startApp, stopApp } from "./harness";

/** "patchbay" posts to the instance-wide URL, "patchbay-endpoint" to a workspace endpoint's URL (its secret looked up), on the same server. */
export const TARGETS = ["patchbay", "patchbay-endpoint", "floor-full", "floor-normal"] as const;

/** The instance-wide GitHub URL's path, which the floors answer too. */
export const INSTANCE_PATH = "/api/webhooks/github";

export type IntakeRow = {
  /** One of TARGETS here; bench/intake-pg.ts names its own. */
  target: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  acknowledged: number;
  lost: number;
  /** The server's CPU time (user + system, every process of it) during the run, per request answered; undefined where not measured. */
  cpuMsPerRequest?: number;
};

export const SECRET = `bench-${randomUUID()}`;

/**
 * One autocannon run. Several URLs (several processes behind one balancer): connection i goes to
 * url i mod n, as a balancer that spreads connections round-robin does, and the figures (requests,
 * latency histogram) are over all of them together.
 */
export async function drive(
  url: string | string[],
  connections: number,
  durationS: number,
  target: IntakeRow["target"],
  acknowledged: Set<string>,
  path = INSTANCE_PATH,
): Promise<IntakeRow> {
  const body = pushBody();
  const template = githubHeaders(SECRET, body, "x"); // the signature covers the body only, so one serves every request
  const mine = new Set<string>();
  const result = await autocannon({
    // autocannon takes an array of URLs (its clients take them in turn); its types say string only.
    url: url as string,
    connections,
    duration: durationS,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path,
        body,
        setupRequest: (request, context) => {
          const id = randomUUID();
          (context as { id?: string }).id = id;
          return { ...request, headers: { ...template, "x-github-delivery": id } };
        },
        onResponse: (status, _body, context) => {
          const id = (context as { id?: string }).id;
          if (id && status >= 200 && status < 300) mine.add(id);
        },
      },
    ],
  });
  for (const id of mine) acknowledged.add(id);
  return {
    target,
    connections,
    durationS,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    mean: Math.round(result.latency.mean * 100) / 100,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acknowledged: mine.size,
    lost: 0,
  };
}

/** Which acknowledged delivery ids are not stored as accepted rows. */
function countLost(dbPath: string, acknowledged: Set<string>): number {
  const database = new Database(dbPath, { readonly: true, fileMustExist: true });
  const stored = new Set(
    (database.prepare("select delivery_id as id from webhook_deliveries where status != 'rejected'").all() as { id: string }[]).map((row) => row.id),
  );
  database.close();
  let lost = 0;
  for (const id of acknowledged) if (!stored.has(id)) lost++;
  return lost;
}

/** Waits (bounded) until the app's dispatcher has drained, so each level starts from the same state. */
async function drained(dbPath: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const database = new Database(dbPath, { readonly: true, fileMustExist: true });
    const { n } = database.prepare("select count(*) as n from webhook_deliveries where status in ('received', 'processing', 'retrying')").get() as {
      n: number;
    };
    database.close();
    if (n === 0 || Date.now() > deadline) return n;
    await sleep(500);
  }
}

/** Starts a floor script (`node bench/<script> <port> ...args`) on a free port; resolves once it prints "listening". */
export async function startFloorProcess(script: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, script), String(port), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("floor server did not start")), 20_000);
    child.stdout!.on("data", (chunk) => {
      if (String(chunk).includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function startFloor(dbPath: string, synchronous: "FULL" | "NORMAL"): Promise<{ url: string; dbPath: string; child: ChildProcess }> {
  return { ...(await startFloorProcess("floor.ts", [dbPath, SECRET, synchronous])), dbPath };
}

/** The round with the median requests/s: one noisy round on a shared 2-core machine does not decide the figure. */
export function median<Row extends IntakeRow>(rounds: Row[]): Row {
  return [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The CPU time (user + system, ms) the processes so far: `pids`, and with `group` every process of that process group. Zero where /proc is missing. */
export function cpuMs({ pids = [], group }: { pids?: number[]; group?: number }): number {
  let ticks = 0;
  const stat = (pid: number | string) => {
    try {
      // The fields after the command's closing parenthesis: state (3), ppid, pgrp (5), ... utime (14), stime (15).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").at(-1)!.split(" ");
      return { pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return undefined;
    }
  };
  for (const pid of pids) ticks += stat(pid)?.ticks ?? 0;
  if (group !== undefined) {
    let entries: string[] = [];
    try {
      entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
    } catch {
      // no /proc
    }
    for (const pid of entries) {
      const found = stat(pid);
      if (found?.pgrp === group) ticks += found.ticks;
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Where a bench run keeps its databases: the system's temporary directory (the data disk), or another (tmpfs: a disk with cheap fsync). */
export type IntakeBenchOptions = { dataRoot?: string };

/**
 * The three servers run side by side (Patchbay driven on two URLs: the instance-wide one and a
 * workspace endpoint's); at each level the targets are driven in turn, `rounds` times (each
 * round in a rotated order), waiting for Patchbay's dispatcher to drain before every run so its
 * processing never overlaps a measurement of any target. Each target's row per level is its
 * median round.
 */
export async function benchIntake(
  levels = [1, 16, 64],
  durationS = 5,
  rounds = 3,
  { dataRoot = tmpdir() }: IntakeBenchOptions = {},
): Promise<{ rows: IntakeRow[]; rounds: IntakeRow[]; notes: string[] }> {
  const notes: string[] = [];
  const all: IntakeRow[] = [];
  const dataDir = mkdtempSync(join(dataRoot, "patchbay-bench-"));
  const floorDir = mkdtempSync(join(dataRoot, "patchbay-floor-"));
  const port = await freePort();
  // Patchbay: the production server, with its dispatcher running as it would in production.
  const app = await startApp({ port, dataDir, env: appEnvironment(dataDir, port, { GITHUB_WEBHOOK_SECRET: SECRET }) });
  // The floors, each on its own database migrated with the app's migrations.
  const floors = {
    "floor-full": await startFloor(join(floorDir, "full.db"), "FULL"),
    "floor-normal": await startFloor(join(floorDir, "normal.db"), "NORMAL"),
  };
  const acknowledged = new Set<string>();
  try {
    const endpointPath = `${INSTANCE_PATH}/${seedEndpoint(app, seedOwner(app.dbPath), SECRET)}`;
    // Warm-up: compile paths, JIT, open the databases.
    await drive(app.url, 4, 2, "patchbay", acknowledged);
    await drive(app.url, 4, 2, "patchbay-endpoint", acknowledged, endpointPath);
    for (const [target, floor] of Object.entries(floors)) await drive(floor.url, 4, 2, target as IntakeRow["target"], new Set());
    const servers: Record<(typeof TARGETS)[number], { url: string; dbPath: string; path?: string }> = {
      patchbay: app,
      "patchbay-endpoint": { ...app, path: endpointPath },
      ...floors,
    };
    // The app runs in its own process group (tsx's CLI and the server it starts); a floor is one process.
    const cpuOf: Record<(typeof TARGETS)[number], () => number> = {
      patchbay: () => cpuMs({ group: app.child.pid }),
      "patchbay-endpoint": () => cpuMs({ group: app.child.pid }),
      "floor-full": () => cpuMs({ pids: [floors["floor-full"].child.pid!] }),
      "floor-normal": () => cpuMs({ pids: [floors["floor-normal"].child.pid!] }),
    };
    for (const connections of levels) {
      for (let round = 0; round < rounds; round++) {
        // Each round starts with a different target, so a slow spell of this shared machine does not always hit the same one.
        const order = [...TARGETS.slice(round % TARGETS.length), ...TARGETS.slice(0, round % TARGETS.length)];
        for (const target of order) {
          const pending = await drained(app.dbPath, 300_000);
          if (pending > 0) notes.push(`patchbay: ${pending} deliveries still pending or processing before a ${connections}-connection ${target} run`);
          const ids = new Set<string>();
          const cpuBefore = cpuOf[target]();
          const row = await drive(servers[target].url, connections, durationS, target, ids, servers[target].path);
          const cpuUsed = cpuOf[target]() - cpuBefore;
          if (cpuUsed > 0 && row.requests > 0) row.cpuMsPerRequest = Math.round((1000 * cpuUsed) / row.requests) / 1000;
          row.lost = countLost(servers[target].dbPath, ids);
          if (target.startsWith("patchbay")) for (const id of ids) acknowledged.add(id);
          all.push(row);
        }
      }
    }
    const pending = await drained(app.dbPath, 120_000);
    notes.push(
      `patchbay: ${acknowledged.size} deliveries acknowledged in all, lost ${countLost(app.dbPath, acknowledged)}; ${pending} still pending processing 120 s after the last run`,
    );
  } finally {
    await stopApp(app);
    for (const floor of Object.values(floors)) floor.child.kill("SIGTERM");
    await sleep(300);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(floorDir, { recursive: true, force: true });
  }
  const rows = TARGETS.flatMap((target) => levels.map((connections) => median(all.filter((row) => row.target === target && row.connections === connections))));
  return { rows, rounds: all, notes };
}
