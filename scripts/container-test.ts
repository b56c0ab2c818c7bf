/**
 * The container test (`npm run test:container`, the last step of `npm test`; issue 31): the
 * project's Dockerfile, built unchanged with podman, run as users run it. In order:
 *   1. the base image node:24-bookworm-slim, or when no registry can be reached a stand-in made
 *      offline and kept for later runs (scripts/support/podman.ts); the image built from it, with
 *      podman's layer cache;
 *   2. on SQLite with a named volume on /data and no keys in the environment: the HEALTHCHECK
 *      passes, a person creates the owner through the first-run form, concurrent senders post
 *      signed GitHub pushes, and `podman stop` (SIGTERM) comes mid-load; the process must exit
 *      by itself (status 0, not SIGKILLed); a new container on the same volume keeps the generated
 *      keys and the owner, and every delivery answered 2xx is stored exactly once and processed;
 *   3. on PostgreSQL (a throwaway cluster, or TEST_DATABASE_URL) with the keys in the
 *      environment: healthy, a signed delivery stored and processed, nothing written to /data;
 *   4. compose.yaml as podman-compose reads it (a dry run).
 * Ports on 127.0.0.1 (the containers share the host's network); every wait is bounded.
 * Without podman (or runc, or root) it says so in one line and passes: exit 0. Exits 1 on a
 * violation, 2 when it could not run.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, pushBody, ROOT, sleep } from "../bench/harness";
import { findChromium, MISSING_CHROMIUM } from "../e2e/support/browser.mjs";
import { checkPostgresAvailable, startThrowawayPostgres } from "../tests/support/postgres";
import { pushPayload } from "../tests/support/push-payload";
import { createOwner, launchChromium } from "./support/browser";
import { openDeliveryDb, type DeliveryDb } from "./support/delivery-db";
import {
  buildImage,
  containerLogs,
  containerState,
  ensureBaseImage,
  healthcheckPasses,
  imageSize,
  onPath,
  podman,
  podmanMissing,
  removeContainer,
  removeVolume,
  run,
  startContainer,
  stopContainer,
  volumeMountpoint,
  type Container,
} from "./support/podman";
import { isAcknowledged, judge, runScript, sendPush, storageViolations, waitUntilSettled, type Outcome } from "./support/webhook-load";

const IMAGE = "localhost/patchbay:test";
const BUILD_TIMEOUT_MS = 25 * 60_000;
const START_TIMEOUT_MS = 120_000;
/** `podman stop`'s grace before SIGKILL: server.ts exits by itself within 5 s of SIGTERM. */
const STOP_GRACE_SECONDS = 20;
const CONCURRENCY = 16;
const LOAD_BEFORE_STOP_MS = 2000;
const MIN_ACKNOWLEDGED_BEFORE_STOP = 50;
const SETTLE_TIMEOUT_MS = 120_000;
const LOGS = join(ROOT, "test-results", "container");
const owner = { name: "Connie Container", email: "owner@patchbay.test", password: `container ${randomUUID()}` };

/** docs/operations.md's online backup of the SQLite file, run in the container. */
const BACKUP_COMMAND = "require('better-sqlite3')('/data/patchbay.db').backup('/tmp/patchbay.db').then(() => console.log('done'))";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Polls /api/health until 200; returns how long it took from `since`. */
async function waitHealthy(container: Container, url: string, since: number): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return Date.now() - since;
    } catch {
      // not listening yet
    }
    const state = await containerState(container);
    if (!state.running) throw new Error(`the container exited with ${state.exitCode} before it was healthy:\n${await containerLogs(container)}`);
    if (Date.now() - since > START_TIMEOUT_MS) throw new Error(`no healthy answer within ${START_TIMEOUT_MS / 1000} s:\n${await containerLogs(container)}`);
    await sleep(250);
  }
}

/** Waits (bounded) for a container to have exited; returns how long it took. */
async function waitExited(container: Container, since: number, timeoutMs: number): Promise<number> {
  while ((await containerState(container)).running) {
    if (Date.now() - since > timeoutMs) throw new Error(`the container still runs ${timeoutMs / 1000} s after SIGTERM`);
    await sleep(100);
  }
  return Date.now() - since;
}

type Sqlite = { violations: string[]; startMs: number; restartMs: number };

/** Step 2. */
async function sqliteRun(): Promise<Sqlite> {
  const violations: string[] = [];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = `container-${randomUUID()}`;
  const volume = `patchbay-test-${randomUUID().slice(0, 8)}`;
  // No AUTH_SECRET or ENCRYPTION_KEY: generated into /data/secrets.json on the first start.
  const env = {
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    APP_URL: url,
    GITHUB_WEBHOOK_SECRET: secret,
    WEBHOOK_PROCESSING_MAX_DELAY_MS: "0",
    WEBHOOK_LEASE_SECONDS: "15",
  };
  const containers: Container[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "patchbay-container-"));
  let database: DeliveryDb | undefined;
  try {
    await podman(["volume", "create", volume]);
    const data = await volumeMountpoint(volume);
    let started = Date.now();
    const first = await startContainer(IMAGE, { env, volume });
    containers.push(first);
    const startMs = await waitHealthy(first, url, started);
    console.log(`SQLite: container ${first.name} on ${url}, volume ${volume}: healthy ${seconds(startMs)} after podman run`);
    if (!(await healthcheckPasses(first))) violations.push("the image's HEALTHCHECK failed on a healthy server");
    const keys = readFileSync(join(data, "secrets.json"), "utf8");
    if ((statSync(join(data, "secrets.json")).mode & 0o077) !== 0) violations.push("/data/secrets.json is readable by others than its owner");
    database = openDeliveryDb(`file:${join(data, "patchbay.db")}`);

    const browser = await launchChromium();
    try {
      await createOwner(browser, url, owner);
    } finally {
      await browser.close();
    }
    console.log("SQLite: the owner created through the first-run form");

    // Load, then SIGTERM mid-load; the senders go on until the container is gone.
    const body = pushBody();
    const outcomes: Outcome[] = [];
    const inFlight = new Set<string>();
    let stopped = false;
    const senders = Array.from({ length: CONCURRENCY }, async () => {
      while (!stopped) {
        const id = `container-${randomUUID()}`;
        inFlight.add(id);
        outcomes.push({ id, status: await sendPush(url, secret, body, id) });
        inFlight.delete(id);
      }
    });
    // Under way: some answered (the first requests warm the server up), bounded in time.
    const loadStarted = Date.now();
    while (
      Date.now() - loadStarted < LOAD_BEFORE_STOP_MS ||
      (outcomes.filter(isAcknowledged).length < MIN_ACKNOWLEDGED_BEFORE_STOP && Date.now() - loadStarted < 30_000)
    )
      await sleep(100);
    const atStop = await database.statuses();
    const stopAt = Date.now();
    const sentBeforeStop = outcomes.length;
    const inFlightAtStop = [...inFlight];
    const stopping = stopContainer(first, STOP_GRACE_SECONDS);
    const stopMs = await waitExited(first, stopAt, (STOP_GRACE_SECONDS + 30) * 1000);
    stopped = true;
    await stopping;
    await Promise.all(senders);
    const exit = await containerState(first);
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    const inFlightAnswered = inFlightAtStop.filter((id) => isAcknowledged(byId.get(id)!)).length;
    console.log(
      `SQLite: podman stop (SIGTERM) after ${sentBeforeStop} deliveries answered (rows then ${JSON.stringify(atStop)}), ${inFlightAtStop.length} more in flight ` +
        `(${inFlightAnswered} of them answered 2xx during the stop); exited with ${exit.exitCode} ${seconds(stopMs)} later`,
    );
    if (exit.exitCode !== 0) violations.push(`the container exited with ${exit.exitCode} on SIGTERM, not 0 (137: killed after the grace period)`);

    // A new container on the same volume, as after an upgrade.
    started = Date.now();
    const second = await startContainer(IMAGE, { env, volume });
    containers.push(second);
    const restartMs = await waitHealthy(second, url, started);
    console.log(`SQLite: a new container on the same volume healthy ${seconds(restartMs)} after podman run`);
    if (readFileSync(join(data, "secrets.json"), "utf8") !== keys) violations.push("the generated keys in /data/secrets.json changed across the restart");
    const owners = await database.query(`select count(*) as n from "user" where role = 'owner' and email = ?`, [owner.email]);
    if (Number(owners[0]?.n) !== 1) violations.push("the owner is not in the database after the restart");

    // The online backup docs/operations.md gives, run as written there, and copied out.
    await podman(["exec", second.name, "node", "-e", BACKUP_COMMAND]);
    const backupPath = join(scratch, "patchbay-backup.db");
    await podman(["cp", `${second.name}:/tmp/patchbay.db`, backupPath]);
    const backup = openDeliveryDb(`file:${backupPath}`);
    const backedUp = await backup.query(`select count(*) as n from "user" where email = ?`, [owner.email]).finally(() => backup.close());
    if (Number(backedUp[0]?.n) !== 1) violations.push("the online backup (docs/operations.md) does not hold the owner");

    const settled = await waitUntilSettled(database, SETTLE_TIMEOUT_MS);
    if (settled.pending > 0) violations.push(`${settled.pending} deliveries still pending ${SETTLE_TIMEOUT_MS / 1000} s after the restart`);
    const verdict = judge(outcomes, await database.storedById());
    const twice = await database.processedTwice();
    violations.push(...storageViolations(verdict));
    if (verdict.acknowledged.length === 0) violations.push("no delivery was answered 2xx");
    if (twice.length > 0) violations.push(`${twice.length} deliveries processed to completion more than once`);
    console.log(
      `SQLite: sent ${outcomes.length}, answered 2xx ${verdict.acknowledged.length}, no answer ${verdict.unanswered.length}; ` +
        `2xx stored exactly once ${verdict.acknowledged.length - verdict.missing - verdict.duplicated} / ${verdict.acknowledged.length}; ` +
        `settled in ${seconds(settled.ms)}; statuses ${JSON.stringify(await database.statuses())}; processed twice ${twice.length}`,
    );
    if (violations.length > 0) for (const container of containers) console.log(`--- ${container.name}\n${await containerLogs(container)}`);
    return { violations, startMs, restartMs };
  } finally {
    await database?.close();
    for (const container of containers) await removeContainer(container);
    await removeVolume(volume);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Step 3. */
async function postgresRun(): Promise<string[]> {
  const violations: string[] = [];
  const cluster = await startThrowawayPostgres();
  const database = openDeliveryDb(cluster.url);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = `container-${randomUUID()}`;
  let container: Container | undefined;
  try {
    const started = Date.now();
    container = await startContainer(IMAGE, {
      env: {
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        APP_URL: url,
        DATABASE_URL: cluster.url,
        AUTH_SECRET: randomBytes(32).toString("base64"),
        ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        GITHUB_WEBHOOK_SECRET: secret,
        WEBHOOK_PROCESSING_MAX_DELAY_MS: "0",
      },
    });
    const startMs = await waitHealthy(container, url, started);
    console.log(`PostgreSQL: container ${container.name} on ${url} healthy ${seconds(startMs)} after podman run`);
    if (!(await healthcheckPasses(container))) violations.push("the image's HEALTHCHECK failed on a healthy server (PostgreSQL)");
    await database.seedOwner();
    const id = `container-pg-${randomUUID()}`;
    const status = await sendPush(url, secret, pushPayload(), id);
    if (status !== 202) violations.push(`a signed delivery on PostgreSQL was answered ${status}, not 202`);
    const settled = await waitUntilSettled(database, 60_000);
    const stored = await database.query("select status from webhook_deliveries where delivery_id = ?", [id]);
    if (stored.length !== 1 || stored[0]!.status !== "processed")
      violations.push(`the delivery on PostgreSQL is ${stored.length === 1 ? String(stored[0]!.status) : `stored ${stored.length} times`}, not processed once`);
    const data = (await podman(["exec", container.name, "ls", "-A", "/data"])).trim();
    if (data) violations.push(`with PostgreSQL the container wrote to /data: ${data.split("\n").join(", ")}`);
    console.log(
      `PostgreSQL: a signed delivery answered ${status}, ${stored[0]?.status ?? "not stored"} in ${seconds(settled.ms)}; /data ${data ? "not empty" : "empty"}`,
    );
    await stopContainer(container, STOP_GRACE_SECONDS);
    const exit = await containerState(container);
    if (exit.exitCode !== 0) violations.push(`the container on PostgreSQL exited with ${exit.exitCode} on SIGTERM, not 0`);
    if (violations.length > 0) console.log(`--- ${container.name}\n${await containerLogs(container)}`);
    return violations;
  } finally {
    if (container) await removeContainer(container);
    await database.close();
    await cluster.stop();
  }
}

/**
 * Step 4: compose.yaml as Debian's podman-compose reads it, in a dry run with a throwaway .env:
 * PostgreSQL with its healthcheck and named volume, each Patchbay service given the database URL
 * and both keys. (Running it needs a postgres image, which no registry here provides; see
 * docs/operations.md.) podman-compose 1.0.3 creates the volume and network even in a dry run, so
 * they are removed after.
 */
async function composeRead(): Promise<string[]> {
  if (!onPath("podman-compose")) {
    console.log("compose.yaml not read: podman-compose is not installed");
    return [];
  }
  const violations: string[] = [];
  const directory = mkdtempSync(join(tmpdir(), "patchbay-compose-"));
  const project = `patchbay-compose-${randomUUID().slice(0, 8)}`;
  const keys = {
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    POSTGRES_PASSWORD: randomBytes(24).toString("hex"),
  };
  try {
    copyFileSync(join(ROOT, "compose.yaml"), join(directory, "compose.yaml"));
    writeFileSync(
      join(directory, ".env"),
      Object.entries(keys)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(""),
      { mode: 0o600 },
    );
    const output = await run("sh", ["-c", `cd '${directory}' && podman-compose -p ${project} --dry-run up -d --no-build 2>&1; true`]);
    const started = (service: string) => output.split("\n").find((line) => line.startsWith(`podman run --name=${project}_${service}_1 `));
    const postgres = started("postgres");
    if (!postgres?.includes("--healthcheck-command") || !postgres.includes(` ${project}_postgres-data:/var/lib/postgresql/data `))
      violations.push("compose.yaml: PostgreSQL without its healthcheck or its named volume");
    const expected = [
      `-e DATABASE_URL=postgres://patchbay:${keys.POSTGRES_PASSWORD}@postgres:5432/patchbay `,
      `-e AUTH_SECRET=${keys.AUTH_SECRET} `,
      `-e ENCRYPTION_KEY=${keys.ENCRYPTION_KEY} `,
    ];
    // patchbay-2 is in the profile "two"; podman-compose 1.0.3 knows no profiles and starts it too.
    const services = ["patchbay", "patchbay-2"].filter((service) => service === "patchbay" || started(service));
    for (const service of services) {
      const line = started(service);
      if (!line || expected.some((part) => !line.includes(part)))
        violations.push(`compose.yaml: ${service} is not started with the database URL and both keys from .env`);
    }
    console.log(
      `compose.yaml read by podman-compose (dry run): postgres ${postgres ? "with" : "WITHOUT"} its healthcheck, ${services.join(" and ")} on its database with the keys from .env`,
    );
    if (violations.length > 0) console.log(output.slice(-4000));
    return violations;
  } finally {
    await podman(["volume", "rm", "-f", `${project}_postgres-data`]).catch(() => undefined);
    await podman(["network", "rm", "-f", `${project}_default`]).catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const missing = await podmanMissing();
  if (missing) {
    console.log(`container test skipped: ${missing}`);
    return 0;
  }
  checkPostgresAvailable();
  if (!findChromium()) {
    console.error(MISSING_CHROMIUM);
    return 2;
  }
  mkdirSync(LOGS, { recursive: true });
  const began = Date.now();
  const made = await ensureBaseImage(LOGS);
  console.log(made ? `made the stand-in base image in ${seconds(Date.now() - began)} (kept for later runs)` : "base image present");
  const buildStarted = Date.now();
  await buildImage(ROOT, IMAGE, join(LOGS, "build.log"), BUILD_TIMEOUT_MS);
  const size = await imageSize(IMAGE);
  console.log(`built ${IMAGE} in ${seconds(Date.now() - buildStarted)} (log: test-results/container/build.log); image size ${(size / 1e6).toFixed(0)} MB`);

  const sqlite = await sqliteRun();
  const postgres = await postgresRun();
  const compose = await composeRead();
  const violations = [...sqlite.violations, ...postgres, ...compose];
  for (const violation of violations) console.log(`VIOLATION: ${violation}`);
  console.log(
    violations.length === 0
      ? `container test passed in ${seconds(Date.now() - began)}: healthy in ${seconds(sqlite.startMs)} (first start) / ${seconds(sqlite.restartMs)} (restart), graceful SIGTERM, every 2xx stored once, PostgreSQL healthy`
      : `container test FAILED: ${violations.length} violation(s)`,
  );
  return violations.length > 0 ? 1 : 0;
}

runScript("container test", main);
