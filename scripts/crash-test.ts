/**
 * The crash test (`npm run test:crash`): under webhook load, SIGKILL the production server,
 * restart it on the same database, and check what a 2xx promised:
 *   1. every delivery that received a 2xx is stored exactly once, also with intake's group-commit
 *      batches in flight at the kill (enough concurrent senders that deliveries are batched; those
 *      of a batch that had not committed got no answer and may be missing, never a 2xx);
 *   2. deliveries that were pending or in flight at the kill are processed after the restart;
 *   3. none is processed to completion twice (webhook_attempts with outcome "processed" <= 1).
 * Loopback only; load, downtime and settling are all bounded in time. Exits 1 on any violation.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import { appEnvironment, ensureBuild, freePort, githubHeaders, killGroup, pushBody, seedOwner, sleep, startApp, stopApp, type AppServer } from "../bench/harness";

const SECRET = `crash-${randomUUID()}`;
const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY ?? 48);
const LOAD_BEFORE_KILL_MS = Number(process.env.CRASH_LOAD_MS ?? 2000);
const MAX_DELIVERIES = 20_000;
const SETTLE_TIMEOUT_MS = Number(process.env.CRASH_SETTLE_MS ?? 150_000); // the dispatcher's lease is 60 s
const REQUEST_TIMEOUT_MS = 10_000;

type Outcome = { id: string; status: number | "error"; phase: "before" | "down" | "after" };

const body = pushBody();
const outcomes: Outcome[] = [];
let sent = 0;
/** Deliveries sent and not yet answered: at the kill, these are being read or wait in a batch. */
const inFlight = new Set<string>();

async function deliver(url: string, phase: Outcome["phase"]): Promise<void> {
  const id = `crash-${randomUUID()}`;
  sent++;
  inFlight.add(id);
  try {
    const response = await fetch(`${url}/api/webhooks/github`, { method: "POST", body, headers: githubHeaders(SECRET, body, id), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    outcomes.push({ id, status: response.status, phase });
  } catch {
    outcomes.push({ id, status: "error", phase });
  } finally {
    inFlight.delete(id);
  }
}

/** `workers` loops sending one delivery after another until `until()` says stop. */
async function load(url: string, phase: Outcome["phase"], until: () => boolean): Promise<void> {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!until() && sent < MAX_DELIVERIES) await deliver(url, phase);
    }),
  );
}

function counts(dbPath: string): Record<string, number> {
  const database = new Database(dbPath, { readonly: true, fileMustExist: true });
  database.pragma("busy_timeout = 5000");
  const rows = database.prepare("select status, count(*) as n from webhook_deliveries group by status").all() as { status: string; n: number }[];
  database.close();
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

async function main(): Promise<number> {
  await ensureBuild();
  const port = await freePort();
  let app: AppServer | undefined;
  const dataDir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/patchbay-crash-`);
  // Processing runs alongside intake (no intake-first wait), so the kill finds deliveries mid-processing too.
  const env = appEnvironment(dataDir, port, { GITHUB_WEBHOOK_SECRET: SECRET, WEBHOOK_PROCESSING_MAX_DELAY_MS: "0" });
  const violations: string[] = [];
  try {
    console.log(`crash test: the production server on 127.0.0.1:${port}, data in ${dataDir}, ${CONCURRENCY} concurrent senders`);
    app = await startApp({ port, dataDir, env });
    seedOwner(app.dbPath);

    // Load, then SIGKILL the whole server process group while requests are in flight.
    const loadStarted = Date.now();
    let killed = false;
    const loading = load(app.url, "before", () => killed);
    await sleep(LOAD_BEFORE_KILL_MS);
    // Kill at a moment when deliveries are stored but not yet processed, or mid-processing
    // (polled read-only; bounded: after 10 s more the kill happens regardless).
    for (const giveUp = Date.now() + 10_000; Date.now() < giveUp; await sleep(5)) {
      const now = counts(app.dbPath);
      if ((now.received ?? 0) >= 3 && (now.processing ?? 0) >= 1) break;
    }
    killGroup(app.child, "SIGKILL");
    killed = true;
    const killedAt = Date.now();
    const sentAtKill = [...inFlight];
    await new Promise((resolve) => (app!.child.exitCode !== null || app!.child.signalCode !== null ? resolve(undefined) : app!.child.once("exit", resolve)));
    await loading;
    const atKill = counts(app.dbPath);
    console.log(`SIGKILL after ${killedAt - loadStarted} ms of load; ${sent} deliveries sent; rows at the kill: ${JSON.stringify(atKill)}`);

    // While it is down, senders get connection errors (GitHub would retry those later).
    let down = true;
    const downLoad = load(app.url, "down", () => !down);
    await sleep(500);
    down = false;
    await downLoad;

    // Restart on the same database and port; a little more load to show it took up work again.
    const restartedAt = Date.now();
    app = await startApp({ port, dataDir, env });
    console.log(`restarted in ${Date.now() - restartedAt} ms`);
    const afterUntil = Date.now() + 1500;
    await load(app.url, "after", () => Date.now() > afterUntil);

    // A redelivery of acknowledged deliveries must be recognised, not stored again.
    const acknowledged = outcomes.filter((outcome) => typeof outcome.status === "number" && outcome.status >= 200 && outcome.status < 300);
    const redelivered = acknowledged.filter((_, index) => index % Math.max(1, Math.floor(acknowledged.length / 50)) === 0).slice(0, 50);
    for (const outcome of redelivered) {
      const response = await fetch(`${app.url}/api/webhooks/github`, { method: "POST", body, headers: githubHeaders(SECRET, body, outcome.id) });
      const answer = (await response.json()) as { duplicate?: boolean };
      if (response.status !== 200 || !answer.duplicate) violations.push(`redelivery of ${outcome.id} answered ${response.status} ${JSON.stringify(answer)}, not 200 duplicate`);
    }

    // Wait (bounded) until nothing is received or processing: the dispatcher has picked everything up.
    const settleStarted = Date.now();
    let pending = Number.POSITIVE_INFINITY;
    while (Date.now() - settleStarted < SETTLE_TIMEOUT_MS) {
      const now = counts(app.dbPath);
      pending = (now.received ?? 0) + (now.processing ?? 0);
      if (pending === 0) break;
      await sleep(1000);
    }
    const settleMs = Date.now() - settleStarted;
    if (pending > 0) violations.push(`${pending} deliveries still received/processing ${SETTLE_TIMEOUT_MS / 1000} s after the restart`);

    // The checks, on a read-only connection.
    const database = new Database(app.dbPath, { readonly: true, fileMustExist: true });
    const stored = new Map<string, { n: number; status: string }>();
    for (const row of database.prepare("select delivery_id as id, count(*) as n, max(status) as status from webhook_deliveries where status != 'rejected' group by delivery_id").all() as { id: string; n: number; status: string }[]) {
      stored.set(row.id, row);
    }
    const processedTwice = database
      .prepare("select d.delivery_id as id, count(*) as n from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where a.outcome = 'processed' group by a.delivery_id having count(*) > 1")
      .all() as { id: string; n: number }[];
    const attempts = database.prepare("select outcome, count(*) as n from webhook_attempts group by outcome").all() as { outcome: string; n: number }[];
    const interrupted = (database.prepare("select count(*) as n from webhook_attempts where error like '%interrupted%'").get() as { n: number }).n;
    const statuses = counts(app.dbPath);
    const rejected = (database.prepare("select count(*) as n from webhook_deliveries where status = 'rejected'").get() as { n: number }).n;
    database.close();

    let acknowledgedMissing = 0;
    let acknowledgedDuplicated = 0;
    for (const outcome of acknowledged) {
      const row = stored.get(outcome.id);
      if (!row) acknowledgedMissing++;
      else if (row.n !== 1) acknowledgedDuplicated++;
    }
    if (acknowledgedMissing > 0) violations.push(`${acknowledgedMissing} deliveries answered 2xx but are not stored (lost)`);
    if (acknowledgedDuplicated > 0) violations.push(`${acknowledgedDuplicated} deliveries answered 2xx are stored more than once`);
    if (processedTwice.length > 0) violations.push(`${processedTwice.length} deliveries processed to completion more than once (e.g. ${processedTwice[0]!.id}: ${processedTwice[0]!.n})`);
    if (rejected > 0) violations.push(`${rejected} deliveries were refused (expected none: every one is signed)`);
    const unanswered = outcomes.filter((outcome) => outcome.status === "error");
    const unansweredStored = unanswered.filter((outcome) => stored.has(outcome.id)).length;
    // Sent before the kill and never answered (a reply already on its way when the kill came is not counted).
    const cutOff = new Set(unanswered.map((outcome) => outcome.id));
    const inFlightAtKill = sentAtKill.filter((id) => cutOff.has(id));
    const inFlightStored = inFlightAtKill.filter((id) => stored.has(id)).length;
    if (inFlightAtKill.length === 0) violations.push("no delivery was in flight at the kill, so no batch was interrupted");
    const non2xx = outcomes.filter((outcome) => typeof outcome.status === "number" && (outcome.status < 200 || outcome.status >= 300));
    if (non2xx.length > 0) violations.push(`${non2xx.length} answers were neither 2xx nor a connection error (e.g. ${non2xx[0]!.status})`);

    const phase = (name: Outcome["phase"]) => outcomes.filter((outcome) => outcome.phase === name);
    console.log("");
    console.log("crash test summary");
    console.log(`  sent                         ${outcomes.length} (before kill ${phase("before").length}, while down ${phase("down").length}, after restart ${phase("after").length})`);
    console.log(`  answered 2xx                 ${acknowledged.length}`);
    console.log(`  no answer (killed / down)    ${unanswered.length}, of which stored anyway ${unansweredStored} (committed before the kill, reply lost)`);
    console.log(`  in flight at the kill        ${inFlightAtKill.length} (no answer): ${inFlightStored} stored (batch committed, reply lost), ${inFlightAtKill.length - inFlightStored} not (batch never committed)`);
    console.log(`  2xx stored exactly once      ${acknowledged.length - acknowledgedMissing - acknowledgedDuplicated} / ${acknowledged.length}   lost: ${acknowledgedMissing}   duplicated: ${acknowledgedDuplicated}`);
    console.log(`  redeliveries recognised      ${redelivered.length} -> 200 duplicate`);
    console.log(`  pending at the kill          received ${atKill.received ?? 0}, processing ${atKill.processing ?? 0}`);
    console.log(`  settled after restart in     ${(settleMs / 1000).toFixed(1)} s; statuses now ${JSON.stringify(statuses)}`);
    console.log(`  attempts                     ${attempts.map((row) => `${row.outcome} ${row.n}`).join(", ")} (interrupted by the kill: ${interrupted})`);
    console.log(`  processed twice              ${processedTwice.length}`);
    if ((atKill.received ?? 0) + (atKill.processing ?? 0) === 0) {
      console.log("  WARNING: nothing was pending or in flight at the kill, so recovery after the restart was not exercised this run");
    }
    console.log("");
    if (violations.length > 0) {
      for (const violation of violations) console.log(`VIOLATION: ${violation}`);
      console.log("\nlast server output:\n" + app.output().slice(-3000));
      return 1;
    }
    console.log("crash test passed: every 2xx stored exactly once, everything pending processed after the restart, nothing processed twice");
    return 0;
  } finally {
    if (app) await stopApp(app);
    if (!process.env.CRASH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`crash test could not run: ${(error as Error).stack ?? error}`);
    process.exit(2);
  },
);
