/**
 * The several-processes test (`npm run test:multiprocess`, issue 12; not yet part of `npm test`):
 * three production servers on one PostgreSQL (a throwaway cluster, or TEST_DATABASE_URL), signed
 * pushes sent round-robin across them by concurrent senders, one server SIGKILLed mid-load and
 * restarted. Checks: every delivery that got a 2xx is stored exactly once, all are processed,
 * none is processed to completion twice. Loopback only; every wait is bounded. Exits 1 on a violation.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { appEnvironment, ensureBuild, freePort, githubHeaders, killGroup, pushBody, sleep, startApp, stopApp, type AppServer } from "../bench/harness";
import { startThrowawayPostgres } from "../tests/support/postgres";

const SECRET = `multi-${randomUUID()}`;
const CONCURRENCY = 24;
const LOAD_MS = 3000;
const SETTLE_TIMEOUT_MS = 150_000;
const body = pushBody();

type Outcome = { id: string; status: number | "error"; server: number };

async function main(): Promise<number> {
  await ensureBuild();
  const cluster = await startThrowawayPostgres();
  const database = new pg.Pool({ connectionString: cluster.url, max: 2 });
  const keys = { AUTH_SECRET: randomBytes(32).toString("hex"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  const servers: { port: number; dataDir: string; app?: AppServer; env: NodeJS.ProcessEnv }[] = [];
  const violations: string[] = [];
  try {
    for (let index = 0; index < 3; index++) {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), `patchbay-multi-${index}-`));
      const env = appEnvironment(dataDir, port, { ...keys, DATABASE_URL: cluster.url, PATCHBAY_EXPERIMENTAL_POSTGRES: "1", GITHUB_WEBHOOK_SECRET: SECRET, WEBHOOK_PROCESSING_MAX_DELAY_MS: "0" });
      servers.push({ port, dataDir, env });
    }
    // Started together: they take turns at the migrations (advisory lock).
    await Promise.all(servers.map(async (server) => (server.app = await startApp({ port: server.port, dataDir: server.dataDir, env: server.env }))));
    await database.query(`insert into "user" (id, name, email, role) values ($1, 'Owner', $2, 'owner')`, [randomUUID(), `owner-${randomUUID()}@example.com`]);
    console.log(`three servers on one PostgreSQL: ${servers.map((server) => server.port).join(", ")}`);

    const outcomes: Outcome[] = [];
    let next = 0;
    let stop = false;
    const send = async () => {
      while (!stop) {
        const server = next++ % servers.length;
        const id = `multi-${randomUUID()}`;
        try {
          const response = await fetch(`http://127.0.0.1:${servers[server]!.port}/api/webhooks/github`, { method: "POST", body, headers: githubHeaders(SECRET, body, id), signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          outcomes.push({ id, status: response.status, server });
        } catch {
          outcomes.push({ id, status: "error", server });
        }
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

    const settleStarted = Date.now();
    let pending = Number.POSITIVE_INFINITY;
    while (Date.now() - settleStarted < SETTLE_TIMEOUT_MS) {
      const { rows } = await database.query(`select count(*) as n from webhook_deliveries where status in ('received', 'processing', 'retrying')`);
      pending = Number(rows[0].n);
      if (pending === 0) break;
      await sleep(1000);
    }
    if (pending > 0) violations.push(`${pending} deliveries still pending ${SETTLE_TIMEOUT_MS / 1000} s after the load`);

    const stored = new Map<string, number>();
    for (const row of (await database.query(`select delivery_id as id, count(*) as n from webhook_deliveries where status <> 'rejected' group by delivery_id`)).rows) stored.set(row.id, Number(row.n));
    const twice = (await database.query(`select delivery_id, count(*) from webhook_attempts where outcome = 'processed' group by delivery_id having count(*) > 1`)).rows.length;
    const byStatus = (await database.query(`select status, count(*) as n from webhook_deliveries group by status`)).rows;
    const acknowledged = outcomes.filter((outcome) => typeof outcome.status === "number" && outcome.status >= 200 && outcome.status < 300);
    const missing = acknowledged.filter((outcome) => !stored.has(outcome.id)).length;
    const duplicated = acknowledged.filter((outcome) => (stored.get(outcome.id) ?? 0) > 1).length;
    const odd = outcomes.filter((outcome) => typeof outcome.status === "number" && (outcome.status < 200 || outcome.status >= 300));
    if (missing > 0) violations.push(`${missing} deliveries answered 2xx are not stored`);
    if (duplicated > 0) violations.push(`${duplicated} deliveries answered 2xx are stored more than once`);
    if (twice > 0) violations.push(`${twice} deliveries processed to completion more than once`);
    if (odd.length > 0) violations.push(`${odd.length} answers neither 2xx nor a connection error (e.g. ${odd[0]!.status})`);
    for (const server of [0, 1, 2]) {
      const answered = acknowledged.filter((outcome) => outcome.server === server).length;
      if (answered === 0) violations.push(`server ${server + 1} acknowledged nothing`);
    }
    console.log(`sent ${outcomes.length}, answered 2xx ${acknowledged.length} (per server ${[0, 1, 2].map((server) => acknowledged.filter((outcome) => outcome.server === server).length).join(" / ")}), connection errors ${outcomes.filter((outcome) => outcome.status === "error").length}`);
    console.log(`stored exactly once ${acknowledged.length - missing - duplicated} / ${acknowledged.length}; processed twice ${twice}; statuses ${JSON.stringify(byStatus)}`);
    for (const violation of violations) console.log(`VIOLATION: ${violation}`);
    if (violations.length > 0) for (const server of servers) console.log(`--- server output\n${server.app?.output().slice(-2000)}`);
    return violations.length > 0 ? 1 : 0;
  } finally {
    for (const server of servers) if (server.app) await stopApp(server.app);
    for (const server of servers) rmSync(server.dataDir, { recursive: true, force: true });
    await database.end();
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`multiprocess test could not run: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
