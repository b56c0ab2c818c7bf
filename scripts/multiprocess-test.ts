/**
 * The several-processes test (`npm run test:multiprocess`, part of `npm test`; issue 12): three
 * production servers on one PostgreSQL (a throwaway cluster, or TEST_DATABASE_URL) beside a fake
 * GitHub. In order:
 *   1. a person creates the owner on process 1 (first-run form), signs in there (sign-in form),
 *      connects GitHub, and with the webhook log open sees a delivery received by process 3
 *      appear and get processed live;
 *   2. the single-flight token refresh holds across the servers (scripts/support/refresh-check.ts);
 *   3. a schedule automation fires once per due time, though all three processes' schedulers look;
 *   4. signed pushes round-robin across the three from concurrent senders, server 2 SIGKILLed
 *      mid-load and restarted: every delivery that got a 2xx is stored exactly once, all are
 *      processed, none to completion twice.
 * Loopback only; every wait is bounded. Exits 1 on a violation, 2 when it could not run.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appEnvironment, ensureBuild, freePort, killGroup, pushBody, sleep, startApp, stopApp, type AppServer } from "../bench/harness";
import { startFakeGitHub } from "../e2e/fakes/github";
import { findChromium, MISSING_CHROMIUM } from "../e2e/support/browser.mjs";
import { checkPostgresAvailable, startThrowawayPostgres } from "../tests/support/postgres";
import { pushPayload } from "../tests/support/push-payload";
import { connectGitHub, createOwner, launchChromium, seesDeliveryLive, signIn } from "./support/browser";
import { openDeliveryDb } from "./support/delivery-db";
import { checkSingleFlightRefresh } from "./support/refresh-check";
import { judge, runScript, sendPush, storageViolations, waitUntilSettled, type Outcome } from "./support/webhook-load";

const SECRET = `multi-${randomUUID()}`;
const CONCURRENCY = 24;
const LOAD_MS = 3000;
const SETTLE_TIMEOUT_MS = 150_000; // a delivery cut short by the kill waits for its lease (WEBHOOK_LEASE_SECONDS below)
const owner = { name: "Olive Owner", email: "owner@patchbay.test", password: `multi ${randomUUID()}` };

type Server = { port: number; url: string; dataDir: string; app?: AppServer; env: NodeJS.ProcessEnv };

/**
 * Step 3: an automation on a schedule, its next due time set to now twice over; each due time must
 * become exactly one run (all three schedulers poll every 5 s), and the run must succeed.
 */
async function scheduleFiresOnce(database: ReturnType<typeof openDeliveryDb>): Promise<{ violations: string[]; summary: string }> {
  const violations: string[] = [];
  const [person] = await database.query('select id from "user" where email = ?', [owner.email]);
  const id = randomUUID();
  const definition = JSON.stringify({
    trigger: { kind: "schedule", cron: "* * * * *", timezone: "UTC" },
    steps: [{ key: "ok", kind: "condition", when: "schedule.dueAt > 0" }],
  });
  const first = Date.now() - 1000;
  await database.query(
    "insert into automations (id, workspace_id, name, enabled, definition, version, created_by, created_at, updated_at, next_due_at) values (?, 'default', 'Every minute', true, ?, 1, ?, ?, ?, ?)",
    [id, definition, person!.id, first, first, first],
  );
  const runsFor = async (dueAt: number) =>
    (await database.query("select status from automation_runs where automation_id = ? and trigger = 'schedule' and due_at = ?", [id, dueAt])).map((row) =>
      String(row.status),
    );
  const waitFor = async (dueAt: number) => {
    for (const giveUp = Date.now() + 30_000; Date.now() < giveUp; await sleep(250)) if ((await runsFor(dueAt)).includes("succeeded")) break;
    await sleep(6_000); // every scheduler has looked at least once more
    return runsFor(dueAt);
  };
  const once = await waitFor(first);
  const second = Date.now() - 500;
  await database.query("update automations set next_due_at = ? where id = ?", [second, id]);
  const twice = await waitFor(second);
  for (const [label, runs] of [
    ["first", once],
    ["second", twice],
  ] as const)
    if (runs.length !== 1 || runs[0] !== "succeeded") violations.push(`the ${label} due time made runs ${JSON.stringify(runs)}, not one that succeeded`);
  const [next] = await database.query("select next_due_at as n from automations where id = ?", [id]);
  if (!(Number(next!.n) > Date.now())) violations.push(`the next due time was not moved on (${String(next!.n)})`);
  return { violations, summary: `schedule: two due times, runs ${JSON.stringify([once, twice])} across three schedulers` };
}

/** Step 1: the person on process 1. Returns the violations. */
async function browserSteps(servers: Server[]): Promise<string[]> {
  const browser = await launchChromium();
  try {
    await createOwner(browser, servers[0]!.url, owner);
    const page = await signIn(browser, servers[0]!.url, owner);
    await connectGitHub(page);
    const repository = `octocat/live-${randomUUID().slice(0, 8)}`;
    return await seesDeliveryLive(page, repository, async () => {
      const id = `live-${randomUUID()}`;
      const status = await sendPush(servers[2]!.url, SECRET, pushPayload({ repository }), id);
      if (status !== 202) throw new Error(`process 3 answered the live delivery with ${status}`);
    });
  } finally {
    await browser.close();
  }
}

/** Step 3: concurrent senders round-robin across the servers; server 2 SIGKILLed and restarted halfway. */
async function loadWithKill(servers: Server[]): Promise<(Outcome & { server: number })[]> {
  const body = pushBody();
  const outcomes: (Outcome & { server: number })[] = [];
  let next = 0;
  let stop = false;
  const send = async () => {
    while (!stop) {
      const server = next++ % servers.length;
      const id = `multi-${randomUUID()}`;
      outcomes.push({ id, status: await sendPush(servers[server]!.url, SECRET, body, id), server });
    }
  };
  const senders = Array.from({ length: CONCURRENCY }, send);
  await sleep(LOAD_MS / 2);
  const victim = servers[1]!;
  killGroup(victim.app!.child, "SIGKILL");
  console.log("server 2 SIGKILLed under load");
  await sleep(500);
  victim.app = await startApp({ port: victim.port, dataDir: victim.dataDir, env: victim.env });
  console.log("server 2 restarted");
  await sleep(LOAD_MS / 2);
  stop = true;
  await Promise.all(senders);
  return outcomes;
}

async function main(): Promise<number> {
  checkPostgresAvailable();
  if (!findChromium()) {
    console.error(MISSING_CHROMIUM);
    return 2;
  }
  await ensureBuild();
  const cluster = await startThrowawayPostgres();
  const fake = await startFakeGitHub({ expiringTokens: true });
  const database = openDeliveryDb(cluster.url);
  const shared = {
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: cluster.url,
    GITHUB_WEBHOOK_SECRET: SECRET,
    WEBHOOK_PROCESSING_MAX_DELAY_MS: "0",
    WEBHOOK_LEASE_SECONDS: "15",
    GITHUB_BASE_URL: fake.url,
    GITHUB_API_URL: fake.url,
    GITHUB_CLIENT_ID: fake.clientId,
    GITHUB_CLIENT_SECRET: fake.clientSecret,
    HTTP_TOOL_ALLOWED_HOSTS: "127.0.0.1",
  };
  const servers: Server[] = [];
  const violations: string[] = [];
  try {
    for (let index = 0; index < 3; index++) {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), `patchbay-multi-${index}-`));
      servers.push({ port, url: `http://127.0.0.1:${port}`, dataDir, env: appEnvironment(dataDir, port, shared) });
    }
    // Started together: they take turns at the migrations (advisory lock).
    await Promise.all(servers.map(async (server) => (server.app = await startApp({ port: server.port, dataDir: server.dataDir, env: server.env }))));
    console.log(`three servers on one PostgreSQL: ${servers.map((server) => server.port).join(", ")}`);

    const live = await browserSteps(servers);
    violations.push(...live);
    console.log(
      `browser on process 1: ${live.length === 0 ? "signed in, connected GitHub, saw the delivery process 3 received appear and get processed live" : "FAILED"}`,
    );

    const schedule = await scheduleFiresOnce(database);
    violations.push(...schedule.violations);
    console.log(schedule.summary);

    const refresh = await checkSingleFlightRefresh({ database, fake, appUrls: servers.map((server) => server.url), secret: SECRET });
    violations.push(...refresh.violations);
    console.log(refresh.summary);

    const outcomes = await loadWithKill(servers);
    const settled = await waitUntilSettled(database, SETTLE_TIMEOUT_MS);
    if (settled.pending > 0) violations.push(`${settled.pending} deliveries still pending ${SETTLE_TIMEOUT_MS / 1000} s after the load`);
    const verdict = judge(outcomes, await database.storedById());
    const twice = (await database.processedTwice()).length;
    violations.push(...storageViolations(verdict));
    if (twice > 0) violations.push(`${twice} deliveries processed to completion more than once`);
    const perServer = [0, 1, 2].map((server) => verdict.acknowledged.filter((outcome) => outcome.server === server).length);
    perServer.forEach((answered, server) => answered === 0 && violations.push(`server ${server + 1} acknowledged nothing`));
    console.log(
      `sent ${outcomes.length}, answered 2xx ${verdict.acknowledged.length} (per server ${perServer.join(" / ")}), connection errors ${verdict.unanswered.length}`,
    );
    console.log(
      `stored exactly once ${verdict.acknowledged.length - verdict.missing - verdict.duplicated} / ${verdict.acknowledged.length}; processed twice ${twice}; settled in ${(settled.ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(await database.statuses())}`,
    );
    for (const violation of violations) console.log(`VIOLATION: ${violation}`);
    if (violations.length > 0) for (const server of servers) console.log(`--- server output\n${server.app?.output().slice(-2000)}`);
    else console.log("multiprocess test passed");
    return violations.length > 0 ? 1 : 0;
  } finally {
    for (const server of servers) if (server.app) await stopApp(server.app);
    for (const server of servers) rmSync(server.dataDir, { recursive: true, force: true });
    await database.close();
    await fake.close();
    await cluster.stop();
  }
}

runScript("multiprocess test", main);
