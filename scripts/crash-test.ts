/**
 * The crash test (`npm run test:crash`): under webhook load, SIGKILL the production server,
 * restart it on the same database, and check what a 2xx promised:
 *   1. every delivery that received a 2xx is stored exactly once, also with deliveries in flight at
 *      the kill (enough concurrent senders that SQLite's intake batches them; those whose commit had
 *      not happened got no answer and may be missing, never a 2xx);
 *   2. deliveries that were pending or in flight at the kill are processed after the restart;
 *   3. none is processed to completion twice (webhook_attempts with outcome "processed" <= 1).
 * It runs on SQLite, then on PostgreSQL (a throwaway cluster, or a fresh database on
 * TEST_DATABASE_URL); `npm run test:crash -- sqlite` or `-- postgres` runs one. Loopback only;
 * load, downtime and settling are all bounded in time. Exits 1 on any violation.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appEnvironment, ensureBuild, freePort, githubHeaders, killGroup, pushBody, sleep, startApp, stopApp, type AppServer } from "../bench/harness";
import { checkPostgresAvailable, startThrowawayPostgres } from "../tests/support/postgres";
import type { DatabaseDialect } from "@/lib/platform/dialect";
import { openDeliveryDb, type DeliveryDb } from "./support/delivery-db";
import { judge, runScript, sendPush, storageViolations, waitUntilSettled, type Outcome } from "./support/webhook-load";

const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY ?? 48);
const LOAD_BEFORE_KILL_MS = Number(process.env.CRASH_LOAD_MS ?? 2000);
const MAX_DELIVERIES = 20_000;
const SETTLE_TIMEOUT_MS = Number(process.env.CRASH_SETTLE_MS ?? 150_000);
/** A delivery cut short by the kill is taken over when its lease runs out: 15 s here instead of the default 60. */
const LEASE_SECONDS = "15";

type Phase = "before" | "down" | "after";
type Dialect = DatabaseDialect;
const dialectName: Record<Dialect, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };

/** Senders of signed pushes: what each got back, and which are unanswered right now (at the kill: being read, or waiting for their commit). */
function pushLoad(secret: string) {
  const body = pushBody();
  const outcomes: (Outcome & { phase: Phase })[] = [];
  const inFlight = new Set<string>();
  let sent = 0;
  const deliver = async (url: string, phase: Phase) => {
    const id = `crash-${randomUUID()}`;
    sent++;
    inFlight.add(id);
    outcomes.push({ id, status: await sendPush(url, secret, body, id), phase });
    inFlight.delete(id);
  };
  return {
    body,
    outcomes,
    inFlight,
    sent: () => sent,
    /** CONCURRENCY loops sending one delivery after another until `until()` says stop. */
    run: (url: string, phase: Phase, until: () => boolean) =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (!until() && sent < MAX_DELIVERIES) await deliver(url, phase);
        }),
      ),
  };
}

/** One crash run on one database; returns its violations (none: passed). */
async function crashRun(dialect: Dialect, postgresUrl?: string): Promise<string[]> {
  const secret = `crash-${randomUUID()}`;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "patchbay-crash-"));
  // Processing runs alongside intake (no intake-first wait), so the kill finds deliveries mid-processing too.
  const onPostgres: Record<string, string> = postgresUrl ? { DATABASE_URL: postgresUrl } : {};
  const env = appEnvironment(dataDir, port, {
    GITHUB_WEBHOOK_SECRET: secret,
    WEBHOOK_PROCESSING_MAX_DELAY_MS: "0",
    WEBHOOK_LEASE_SECONDS: LEASE_SECONDS,
    ...onPostgres,
  });
  const database: DeliveryDb = openDeliveryDb(env.DATABASE_URL!);
  const load = pushLoad(secret);
  const violations: string[] = [];
  let app: AppServer | undefined;
  try {
    console.log(`\ncrash test on ${dialectName[dialect]}: the production server on 127.0.0.1:${port}, ${CONCURRENCY} concurrent senders`);
    app = await startApp({ port, dataDir, env });
    await database.seedOwner();

    // Load, then SIGKILL the whole server process group while requests are in flight.
    const loadStarted = Date.now();
    let killed = false;
    const loading = load.run(app.url, "before", () => killed);
    await sleep(LOAD_BEFORE_KILL_MS);
    // Kill at a moment when deliveries are stored but not yet processed, or mid-processing
    // (polled; bounded: after 10 s more the kill happens regardless).
    for (const giveUp = Date.now() + 10_000; Date.now() < giveUp; await sleep(5)) {
      const now = await database.statuses();
      if ((now.received ?? 0) >= 3 && (now.processing ?? 0) >= 1) break;
    }
    killGroup(app.child, "SIGKILL");
    killed = true;
    const killedAt = Date.now();
    const sentAtKill = [...load.inFlight];
    await new Promise((resolve) => (app!.child.exitCode !== null || app!.child.signalCode !== null ? resolve(undefined) : app!.child.once("exit", resolve)));
    await loading;
    const atKill = await database.statuses();
    console.log(`SIGKILL after ${killedAt - loadStarted} ms of load; ${load.sent()} deliveries sent; rows at the kill: ${JSON.stringify(atKill)}`);

    // While it is down, senders get connection errors (GitHub would retry those later).
    let down = true;
    const downLoad = load.run(app.url, "down", () => !down);
    await sleep(500);
    down = false;
    await downLoad;

    // Restart on the same database and port; a little more load to show it took up work again.
    const restartedAt = Date.now();
    app = await startApp({ port, dataDir, env });
    console.log(`restarted in ${Date.now() - restartedAt} ms`);
    const afterUntil = Date.now() + 1500;
    await load.run(app.url, "after", () => Date.now() > afterUntil);

    // A redelivery of acknowledged deliveries must be recognised, not stored again.
    const { acknowledged } = judge(load.outcomes, new Map());
    const redelivered = acknowledged.filter((_, index) => index % Math.max(1, Math.floor(acknowledged.length / 50)) === 0).slice(0, 50);
    for (const outcome of redelivered) {
      const response = await fetch(`${app.url}/api/webhooks/github`, {
        method: "POST",
        body: load.body,
        headers: githubHeaders(secret, load.body, outcome.id),
      });
      const answer = (await response.json()) as { duplicate?: boolean };
      if (response.status !== 200 || !answer.duplicate)
        violations.push(`redelivery of ${outcome.id} answered ${response.status} ${JSON.stringify(answer)}, not 200 duplicate`);
    }

    // Wait (bounded) until the dispatcher has picked everything up.
    const settled = await waitUntilSettled(database, SETTLE_TIMEOUT_MS);
    if (settled.pending > 0) violations.push(`${settled.pending} deliveries still pending ${SETTLE_TIMEOUT_MS / 1000} s after the restart`);

    const stored = await database.storedById();
    const processedTwice = await database.processedTwice();
    const attempts = await database.attemptOutcomes();
    const interrupted = await database.interruptedAttempts();
    const statuses = await database.statuses();
    const automationRuns = await database.automationRuns();
    const verdict = judge(load.outcomes, stored);
    violations.push(...storageViolations(verdict));
    if (processedTwice.length > 0)
      violations.push(`${processedTwice.length} deliveries processed to completion more than once (e.g. ${processedTwice[0]!.id}: ${processedTwice[0]!.n})`);
    // Every processed push ran the shipped "Process GitHub pushes" automation exactly once, to the end.
    if (automationRuns.deliveriesWithoutRun > 0) violations.push(`${automationRuns.deliveriesWithoutRun} processed pushes have no automation run`);
    if (automationRuns.duplicated > 0) violations.push(`${automationRuns.duplicated} deliveries have more than one run of one automation`);
    if (automationRuns.unfinished > 0) violations.push(`${automationRuns.unfinished} automation runs of processed deliveries did not succeed`);
    if (statuses.rejected) violations.push(`${statuses.rejected} deliveries were refused (expected none: every one is signed)`);
    const unansweredStored = verdict.unanswered.filter((outcome) => stored.has(outcome.id)).length;
    // Sent before the kill and never answered (a reply already on its way when the kill came is not counted).
    const cutOff = new Set(verdict.unanswered.map((outcome) => outcome.id));
    const inFlightAtKill = sentAtKill.filter((id) => cutOff.has(id));
    const inFlightStored = inFlightAtKill.filter((id) => stored.has(id)).length;
    if (inFlightAtKill.length === 0) violations.push("no delivery was in flight at the kill");

    const phase = (name: Phase) => load.outcomes.filter((outcome) => outcome.phase === name).length;
    const storedOnce = verdict.acknowledged.length - verdict.missing - verdict.duplicated;
    console.log(`\ncrash test summary (${dialectName[dialect]})`);
    console.log(
      `  sent                         ${load.outcomes.length} (before kill ${phase("before")}, while down ${phase("down")}, after restart ${phase("after")})`,
    );
    console.log(`  answered 2xx                 ${verdict.acknowledged.length}`);
    console.log(
      `  no answer (killed / down)    ${verdict.unanswered.length}, of which stored anyway ${unansweredStored} (committed before the kill, reply lost)`,
    );
    console.log(
      `  in flight at the kill        ${inFlightAtKill.length} (no answer): ${inFlightStored} stored (committed, reply lost), ${inFlightAtKill.length - inFlightStored} not (never committed)`,
    );
    console.log(`  2xx stored exactly once      ${storedOnce} / ${verdict.acknowledged.length}   lost: ${verdict.missing}   duplicated: ${verdict.duplicated}`);
    console.log(`  redeliveries recognised      ${redelivered.length} -> 200 duplicate`);
    console.log(`  pending at the kill          received ${atKill.received ?? 0}, processing ${atKill.processing ?? 0}`);
    console.log(`  settled after restart in     ${(settled.ms / 1000).toFixed(1)} s; statuses now ${JSON.stringify(statuses)}`);
    console.log(
      `  attempts                     ${Object.entries(attempts)
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(", ")} (interrupted by the kill: ${interrupted})`,
    );
    console.log(`  processed twice              ${processedTwice.length}`);
    console.log(
      `  automation runs              ${automationRuns.runs} (one per processed push; resumed after the kill ${automationRuns.resumed}, unfinished ${automationRuns.unfinished}, duplicated ${automationRuns.duplicated})`,
    );
    if ((atKill.received ?? 0) + (atKill.processing ?? 0) === 0) {
      console.log("  WARNING: nothing was pending or in flight at the kill, so recovery after the restart was not exercised this run");
    }
    for (const violation of violations) console.log(`VIOLATION: ${violation}`);
    if (violations.length > 0) console.log("\nlast server output:\n" + app.output().slice(-3000));
    return violations;
  } finally {
    if (app) await stopApp(app);
    await database.close();
    if (!process.env.CRASH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** SQLite, then PostgreSQL (or the one named on the command line); each reported, 1 when either found a violation. */
async function main(): Promise<number> {
  const asked = process.argv.slice(2).filter((arg): arg is Dialect => arg === "sqlite" || arg === "postgres");
  const dialects: Dialect[] = asked.length > 0 ? asked : ["sqlite", "postgres"];
  // Before the long SQLite run: without PostgreSQL, stop at once with the one line saying how to get it.
  if (dialects.includes("postgres")) checkPostgresAvailable();
  await ensureBuild();
  const results: [Dialect, string[]][] = [];
  for (const dialect of dialects) {
    if (dialect === "sqlite") {
      results.push([dialect, await crashRun(dialect)]);
      continue;
    }
    const cluster = await startThrowawayPostgres();
    try {
      results.push([dialect, await crashRun(dialect, cluster.url)]);
    } finally {
      await cluster.stop();
    }
  }
  console.log("");
  for (const [dialect, violations] of results) {
    console.log(
      violations.length === 0
        ? `crash test on ${dialectName[dialect]} passed: every 2xx stored exactly once, everything pending processed after the restart, nothing processed twice`
        : `crash test on ${dialectName[dialect]} FAILED: ${violations.length} violation(s)`,
    );
  }
  return results.some(([, violations]) => violations.length > 0) ? 1 : 0;
}

runScript("crash test", main);
