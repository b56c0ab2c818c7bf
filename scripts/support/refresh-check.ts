/**
 * The single-flight token refresh across processes, through the servers (issue 12): the owner's
 * GitHub connection is made due and its access token expired at the fake; pushes with a "TODO:"
 * commit are sent to every server, so each server's dispatcher runs the push workflow, which asks
 * for the token to open an issue. The fake holds the one refresh request open until the
 * connection's lock (an advisory lock) shows one process refreshing and every other waiting (or
 * 20 s pass). Then: exactly one token request, every push processed, every TODO an issue.
 */
import { randomUUID } from "node:crypto";
import { sleep } from "../../bench/harness";
import type { FakeGitHub } from "../../e2e/fakes/github";
import { pushPayload } from "../../tests/support/push-payload";
import type { DeliveryDb } from "./delivery-db";
import { isAcknowledged, sendPush, waitUntilSettled } from "./webhook-load";

const HOLD_TIMEOUT_MS = 20_000;
const ROUND_MS = 500;
const SETTLE_TIMEOUT_MS = 60_000;

/** Sessions on the named lock (db/locks.ts: pg_advisory_lock(hashtextextended(name, 0))): holding it, and waiting for it. */
async function lockSessions(database: DeliveryDb, name: string): Promise<{ holding: number; waiting: number }> {
  const [row] = await database.query(
    `with lock as (select hashtextextended(?, 0) as key)
     select count(*) filter (where granted) as holding, count(*) filter (where not granted) as waiting
     from pg_locks, lock
     where locktype = 'advisory' and objsubid = 1 and classid = ((key >> 32) & 4294967295)::oid and objid = (key & 4294967295)::oid`,
    [name],
  );
  return { holding: Number(row!.holding), waiting: Number(row!.waiting) };
}

export async function checkSingleFlightRefresh(options: {
  database: DeliveryDb;
  fake: FakeGitHub;
  appUrls: string[];
  secret: string;
}): Promise<{ violations: string[]; summary: string }> {
  const { database, fake, appUrls, secret } = options;
  const [connection] = await database.query("select id from connections where provider_id = 'github' and status = 'active'");
  if (!connection) return { violations: ["no active GitHub connection to refresh"], summary: "" };
  // Due (expiring within the five-minute margin) here, and no longer accepted by the fake.
  await database.query("update connections set expires_at = now() + interval '1 minute' where id = ?", [connection.id]);
  fake.expireAccessTokens();
  const before = fake.tokenRequests.refresh_token;
  const lockName = `refresh:${String(connection.id)}`;
  let release = () => {};
  fake.refreshGate = new Promise<void>((resolve) => (release = resolve));

  const sent: { id: string; todo: string; status: number | "error" }[] = [];
  const others = appUrls.length - 1;
  let most = { holding: 0, waiting: 0 };
  try {
    // Rounds of one push per server until every other process waits on the refreshing one's lock.
    for (let round = 1, deadline = Date.now() + HOLD_TIMEOUT_MS; most.waiting < others && Date.now() < deadline; round++) {
      await Promise.all(
        appUrls.map(async (url, index) => {
          const todo = `single-flight ${round}.${index + 1}`;
          const id = `refresh-${randomUUID()}`;
          sent.push({ id, todo, status: await sendPush(url, secret, pushPayload({ commits: 1, message: `TODO: ${todo}` }), id) });
        }),
      );
      for (const roundEnd = Date.now() + ROUND_MS; Date.now() < roundEnd && most.waiting < others; await sleep(50)) {
        const now = await lockSessions(database, lockName);
        if (now.waiting > most.waiting) most = now;
      }
    }
  } finally {
    release();
    fake.refreshGate = undefined;
  }
  const settled = await waitUntilSettled(database, SETTLE_TIMEOUT_MS);

  const ids = sent.map((push) => push.id);
  const statuses = await database.query(
    `select status, count(*) as n from webhook_deliveries where delivery_id in (${ids.map(() => "?").join(", ")}) group by status`,
    ids,
  );
  const processed = Number(statuses.find((row) => row.status === "processed")?.n ?? 0);
  const issued = sent.filter((push) => fake.createdIssues.some((issue) => issue.title.startsWith(`TODO: ${push.todo} (`))).length;
  const refreshes = fake.tokenRequests.refresh_token - before;

  const violations: string[] = [];
  if (most.waiting < others)
    violations.push(
      `the servers never all asked for the due token at once within ${HOLD_TIMEOUT_MS / 1000} s (at most ${most.waiting} waited on the refreshing one)`,
    );
  if (refreshes !== 1) violations.push(`${refreshes} token refresh requests reached GitHub for one due token (expected exactly 1)`);
  if (!sent.every((push) => isAcknowledged(push))) violations.push(`TODO pushes answered ${JSON.stringify(sent.map((push) => push.status))}`);
  if (settled.pending > 0 || processed !== sent.length)
    violations.push(`TODO pushes by status ${JSON.stringify(statuses)} (expected all ${sent.length} processed)`);
  if (issued !== sent.length) violations.push(`${issued} of ${sent.length} TODO commits became issues`);
  const summary = `single-flight refresh: ${sent.length} TODO pushes over ${appUrls.length} servers; on the connection's lock at once: ${most.holding} refreshing, ${most.waiting} waiting; token requests ${refreshes}; processed ${processed} / ${sent.length}; issues opened ${issued}`;
  return { violations, summary };
}
