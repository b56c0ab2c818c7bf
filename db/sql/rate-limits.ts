import { sql } from "drizzle-orm";
import { execute, rows, usingPostgres } from "../client";
import { outsideTransaction } from "../postgres";

/*
 * Outbound rate limits shared by the processes of a PostgreSQL deployment: one row per key in
 * rate_limits holding the key's theoretical arrival time (GCRA, lib/http/shared-rate-limit.ts).
 * SQLite has no counterpart: its one process keeps token buckets in memory (lib/http/rate-limit.ts).
 * Times are milliseconds since the epoch on the database's clock, so processes on machines whose
 * clocks differ still agree.
 */

/** The database's clock in milliseconds, read when the expression is evaluated (after any row-lock wait). */
const clockMs = sql`extract(epoch from clock_timestamp())::float8 * 1000`;

/**
 * Reserves the next request for `key` in one atomic statement: the arrival time moves to
 * max(arrival time, now) + interval (lib/http/shared-rate-limit.ts `nextArrival`, whose twin this
 * is), and the statement answers the new arrival time with the clock as it returns. The caller
 * waits from that clock reading, which is no earlier than the reservation, so its wait never ends
 * before its slot. Racing reservations, from any process, queue on the row lock and each gets its
 * own slot. Runs on its own even inside a transaction: a reservation is never rolled back, nor
 * held until a COMMIT.
 */
export async function reserveRateSlot(key: string, intervalMs: number): Promise<{ tat: number; now: number }> {
  if (!usingPostgres()) throw new Error("shared rate limits are PostgreSQL's; on SQLite the token bucket is in memory");
  const [reserved] = await outsideTransaction(() =>
    rows<{ tat: number; now: number }>(sql`
      insert into rate_limits as r (key, tat) values (${key}, ${clockMs} + ${intervalMs}::float8)
      on conflict (key) do update set tat = greatest(r.tat, ${clockMs}) + ${intervalMs}::float8
      returning r.tat as "tat", ${clockMs} as "now"`),
  );
  return reserved!;
}

/**
 * Drops the rows whose arrival time has passed: such a row limits nothing (a reservation after it
 * starts from now, as for a key without a row), so this never lets a request through early.
 */
export async function pruneRateLimits(): Promise<number> {
  if (!usingPostgres()) return 0;
  return execute(sql`delete from rate_limits where tat < ${clockMs}`);
}
