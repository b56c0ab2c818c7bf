import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { rows, transaction, usingPostgres } from "./client";
import { processState } from "@/lib/platform/process-state";

/**
 * This process's instance id, and whether the process that wrote some other id is still running.
 * A run records the instance running it (`runner_instance`), so that a run left `running` by a
 * process that stopped can be told from one a live process is still working on.
 *
 * SQLite: one process per database, so every instance but this one has stopped.
 * PostgreSQL: each process holds a session advisory lock named after its instance id, on a
 * connection of its own, for its lifetime. When the process dies its connection closes and the
 * lock goes with it; whoever can take the lock knows the owner has stopped. Ids are random per
 * start and never reused, so a stopped instance never comes back.
 */

type Liveness = { id: string; client: pg.Client | undefined; holding: Promise<void> | undefined; retryMs: number; closed: boolean };
// Process state: dev-mode reloads are the same process, and keep its id.
const liveness = processState<Liveness>("Instance", () => ({ id: randomUUID(), client: undefined, holding: undefined, retryMs: 500, closed: false }));

/** The name of an instance's lock (hashed to a 64-bit advisory lock key, as db/locks.ts names are). */
export function instanceLockName(id: string): string {
  return `patchbay-instance:${id}`;
}

/** This process's instance id (random per process start). */
export function instanceId(): string {
  return liveness.id;
}

/**
 * This process's instance id, once other processes can see it is alive (on PostgreSQL, once its
 * lock is held). Record it on a row only through this, so no row names an instance that looks stopped.
 */
export async function liveInstanceId(): Promise<string> {
  if (usingPostgres()) {
    liveness.closed = false;
    liveness.holding ??= holdLock().catch((error: unknown) => {
      liveness.holding = undefined;
      throw error;
    });
    await liveness.holding;
  }
  return liveness.id;
}

async function holdLock(): Promise<void> {
  const client = new pg.Client({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: 10_000, keepAlive: true });
  const lost = () => {
    if (liveness.client !== client) return;
    liveness.client = undefined;
    liveness.holding = undefined;
    void client.end().catch(() => {});
    if (liveness.closed) return;
    // Until it is back, other processes may take this process for stopped and fail its runs.
    log.warn("the connection holding this process's liveness lock was lost; reconnecting", { retryMs: liveness.retryMs });
    setTimeout(
      () => void liveInstanceId().catch((error: unknown) => log.warn("liveness lock not yet back", { error: (error as Error).message })),
      liveness.retryMs,
    ).unref();
    liveness.retryMs = Math.min(liveness.retryMs * 2, 30_000);
  };
  client.on("error", lost);
  client.on("end", lost);
  try {
    await client.connect();
    // Over TCP the server notices a vanished host (no FIN) in about a minute, not hours: the lock
    // of a machine that lost power is released as surely as that of a killed process.
    await client.query("set tcp_keepalives_idle = 30; set tcp_keepalives_interval = 10; set tcp_keepalives_count = 3");
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [instanceLockName(liveness.id)]);
    liveness.client = client;
    liveness.retryMs = 500;
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/**
 * Which of these instances have stopped: null (a row written before instances were recorded)
 * always, this process's never. On PostgreSQL, an instance whose lock can be taken: the locks are
 * tried in a transaction, so the ones taken are let go again at once.
 */
export async function stoppedInstances(ids: (string | null)[]): Promise<(string | null)[]> {
  const others = [...new Set(ids)].filter((id) => id !== liveness.id);
  const named = others.filter((id): id is string => id !== null);
  if (!usingPostgres() || named.length === 0) return others;
  const candidates = sql.join(
    named.map((id) => sql`(${id}, ${instanceLockName(id)})`),
    sql`, `,
  );
  const free = await transaction(() =>
    rows<{ id: string }>(
      sql`select id as "id" from (values ${candidates}) as instance(id, lock_name) where pg_try_advisory_xact_lock(hashtextextended(lock_name, 0))`,
    ),
  );
  const stopped = new Set(free.map((row) => row.id));
  return others.filter((id) => id === null || stopped.has(id));
}

/** Lets go of the liveness lock (tests, shutdown); the next liveInstanceId() takes it again. */
export async function releaseInstance(): Promise<void> {
  liveness.closed = true;
  const client = liveness.client;
  liveness.client = undefined;
  liveness.holding = undefined;
  await client?.end().catch(() => {});
}
