import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle as sqliteDrizzle } from "drizzle-orm/better-sqlite3";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateSqlite } from "@/db/client";
import { migrationsUpTo } from "../support/migrations";
import { startThrowawayPostgres } from "../support/postgres";

/*
 * An install that rolled hours up before the daily roll-up existed: the migration adding
 * webhook_delivery_days fills it from the hourly rows, so the 30-day chart and the total (which
 * read whole days from it) count those hours at once.
 */

const BEFORE_DAYS = { sqlite: "0024_delivery_trace_parent", pg: "0017_delivery_trace_parent" };
const DAY = 24;
const firstHour = 20_416 * DAY; // the first hour of a day (hours since the epoch)

/** Hourly rows as the roll-up wrote them: several per key (a folded change is one more row), one key summing to zero. */
const hourRows = (
  yes: string,
  no: string,
) => `insert into webhook_delivery_hours (workspace_id, hour, provider_id, endpoint_id, event, action, verified, status, count) values
  ('w1', ${firstHour}, 'github', null, 'push', null, ${yes}, 'processed', 5),
  ('w1', ${firstHour + 23}, 'github', null, 'push', null, ${yes}, 'processed', 2),
  ('w1', ${firstHour + 23}, 'github', null, 'push', null, ${yes}, 'processed', -1),
  ('w1', ${firstHour + DAY}, 'github', null, 'push', null, ${yes}, 'processed', 4),
  ('w1', ${firstHour + 5}, 'github', 'we_1', 'pull_request', 'opened', ${no}, 'rejected', 1),
  ('w1', ${firstHour + 6}, 'stripe', null, 'invoice.paid', null, ${yes}, 'failed', 1),
  ('w1', ${firstHour + 7}, 'stripe', null, 'invoice.paid', null, ${yes}, 'failed', -1),
  ('w2', ${firstHour + 1}, 'github', null, 'push', null, ${yes}, 'failed', 3)`;

const daysQuery = `select workspace_id, day, provider_id, endpoint_id, event, action, status, sum(count) as n from webhook_delivery_days
  group by workspace_id, day, provider_id, endpoint_id, event, action, status order by workspace_id, day, provider_id, status`;

const expectedDays = [
  { workspace_id: "w1", day: firstHour / DAY, provider_id: "github", endpoint_id: null, event: "push", action: null, status: "processed", n: 6 },
  { workspace_id: "w1", day: firstHour / DAY, provider_id: "github", endpoint_id: "we_1", event: "pull_request", action: "opened", status: "rejected", n: 1 },
  { workspace_id: "w1", day: firstHour / DAY + 1, provider_id: "github", endpoint_id: null, event: "push", action: null, status: "processed", n: 4 },
  { workspace_id: "w2", day: firstHour / DAY, provider_id: "github", endpoint_id: null, event: "push", action: null, status: "failed", n: 3 },
];

describe("the daily roll-up's migration fills the days of the hours rolled up before it", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);

  it("on SQLite", () => {
    const folder = join(process.cwd(), "db", "migrations");
    const earlier = migrationsUpTo(folder, BEFORE_DAYS.sqlite);
    const dir = mkdtempSync(join(tmpdir(), "patchbay-days-migration-"));
    cleanups.push(
      () => rmSync(earlier, { recursive: true, force: true }),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const sqlite = new Database(join(dir, "old.db"));
    cleanups.push(() => void sqlite.close());
    const database = sqliteDrizzle(sqlite);
    migrateSqlite(database, earlier);
    sqlite.exec(hourRows("1", "0"));
    migrateSqlite(database, folder);
    const days = (sqlite.prepare(daysQuery).all() as Record<string, unknown>[]).map((row) => ({ ...row, n: Number(row.n) }));
    expect(days.sort(byKey)).toEqual([...expectedDays].sort(byKey));
  });

  it("on PostgreSQL", async () => {
    const folder = join(process.cwd(), "db", "migrations-pg");
    const earlier = migrationsUpTo(folder, BEFORE_DAYS.pg);
    cleanups.push(() => rmSync(earlier, { recursive: true, force: true }));
    const cluster = await startThrowawayPostgres();
    cleanups.push(() => cluster.stop());
    const pool = new pg.Pool({ connectionString: cluster.url, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const database = drizzle(pool);
    await migrate(database, { migrationsFolder: earlier });
    await pool.query(hourRows("true", "false"));
    await migrate(database, { migrationsFolder: folder });
    const days = (await pool.query(daysQuery)).rows.map((row: Record<string, unknown>) => ({ ...row, n: Number(row.n) }));
    expect(days.sort(byKey)).toEqual([...expectedDays].sort(byKey));
  }, 240_000);
});

function byKey(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
