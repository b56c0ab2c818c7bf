import pg from "pg";
import { env } from "@/lib/platform/env";
import { usingPostgres } from "./client";
import { processState } from "@/lib/platform/process-state";

/**
 * A lock named by a string, held while `body` runs, for work that must happen once however many
 * callers ask at the same moment (a token refresh). On SQLite there is one process, so an
 * in-process queue per name is the whole story. On PostgreSQL it is a session advisory lock on a
 * connection of its own, so it holds across processes, and it is released if the process dies.
 */
export async function withLock<T>(name: string, body: () => Promise<T>): Promise<T> {
  return usingPostgres() ? withAdvisoryLock(name, body) : withLocalLock(name, body);
}

const localTails = new Map<string, Promise<unknown>>();

async function withLocalLock<T>(name: string, body: () => Promise<T>): Promise<T> {
  const previous = localTails.get(name) ?? Promise.resolve();
  const run = previous.then(body, body);
  const tail = run.catch(() => undefined);
  localTails.set(name, tail);
  try {
    return await run;
  } finally {
    if (localTails.get(name) === tail) localTails.delete(name);
  }
}

const held = processState("LockPool", (): { pool?: pg.Pool } => ({}));

/** Lock connections are held while the body waits on the network, so they get their own small pool. */
function lockPool(): pg.Pool {
  held.pool ??= new pg.Pool({ connectionString: env().DATABASE_URL, max: 16, connectionTimeoutMillis: 30_000 }).on("error", () => {});
  return held.pool;
}

async function withAdvisoryLock<T>(name: string, body: () => Promise<T>): Promise<T> {
  const client = await lockPool().connect();
  let healthy = true;
  try {
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [name]);
    try {
      return await body();
    } finally {
      await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [name]).catch(() => (healthy = false));
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: it is closed, not reused.
    client.release(!healthy);
  }
}

export async function closeLocks(): Promise<void> {
  const pool = held.pool;
  held.pool = undefined;
  await pool?.end();
}
