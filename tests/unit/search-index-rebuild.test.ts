import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { migratePostgres, openPostgres, type PgDb } from "@/db/postgres";
import { REBUILD_LOCK, rebuildSearchIndex, searchIndexNeedsRebuild } from "@/db/sql/search-index-pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../support/postgres";

/*
 * Migration 0021 on a log too large to rebuild the search's trigram index inside it: the index is
 * rebuilt after start-up with CREATE INDEX CONCURRENTLY (db/sql/search-index-pg.ts), from whatever
 * state a process stopped halfway left, while the old index keeps serving the search.
 */

const OLD_INDEX = `create index webhook_deliveries_search on webhook_deliveries using gin (
  delivery_id gin_trgm_ops, repository gin_trgm_ops, (coalesce(event || coalesce('.' || action, ''), '')) gin_trgm_ops, body gin_trgm_ops
) where attempts > 0 or status <> 'received'`;

let starting: Promise<ThrowawayPostgres> | undefined;
let url: string;
let database: PgDb;
let pool: pg.Pool;

beforeAll(async () => {
  starting = startThrowawayPostgres();
  url = (await starting).url;
  database = openPostgres(url, 2);
  pool = database.$client;
  await migratePostgres(database);
  await pool.query(`insert into workspaces (id, name) values ('w', 'Search')`);
  // A log as 0020 left it: 20,000 deliveries (too many for the migration to rebuild the index), searched by the old index.
  await pool.query(`insert into webhook_deliveries (workspace_id, provider_id, dedupe_key, delivery_id, event, received_at, headers, body, body_bytes, verified, status, attempts)
    select 'w', 'github', 'k-' || i, 'd-' || i, 'push', i, '{}'::jsonb, '{"message":"fix issue ' || i || '"}', 24, true, 'processed', 1
    from generate_series(1, 20000) as i`);
  await pool.query(`drop index webhook_deliveries_search`);
  await pool.query(OLD_INDEX);
  await pool.query(`drop index webhook_deliveries_in_flight`);
  await pool.query(`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`);
}, 240_000);

afterAll(async () => {
  await pool?.end();
  await (await starting?.catch(() => undefined))?.stop();
}, 60_000);

async function indexes(): Promise<Record<string, { valid: boolean; definition: string }>> {
  const { rows } = await pool.query<{ name: string; valid: boolean; definition: string }>(
    `select c.relname as name, i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = 'webhook_deliveries'::regclass and (c.relname like 'webhook_deliveries_search%' or c.relname = 'webhook_deliveries_in_flight')`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, { valid: row.valid, definition: row.definition }]));
}

const settled = expect.stringMatching(/USING gin .*body gin_trgm_ops\) WHERE \(status <> ALL \(ARRAY\['received'::text, 'processing'::text\]\)\)$/);

async function needsRebuild(): Promise<boolean> {
  const client = await pool.connect();
  try {
    return await searchIndexNeedsRebuild(client);
  } finally {
    client.release();
  }
}

describe("the search index's rebuild after migration 0021", () => {
  it("is left by the migration to the process it starts, which rebuilds it in the background", async () => {
    const logged = vi.spyOn(console, "log");
    await migratePostgres(database);
    expect((await indexes()).webhook_deliveries_in_flight?.valid).toBe(true);
    // The migration returned without rebuilding it (20,000 rows); the process does, beside its work.
    const deadline = Date.now() + 120_000;
    while ((await needsRebuild()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    while (!logged.mock.calls.some(([line]) => String(line).includes("rebuilt the delivery search index")) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = logged.mock.calls.map(([line]) => String(line));
    logged.mockRestore();
    expect(lines.filter((line) => line.includes("delivery search index"))).toEqual([
      expect.stringContaining("rebuilding the delivery search index for settled deliveries"),
      expect.stringContaining("rebuilt the delivery search index"),
    ]);
    const after = await indexes();
    expect(after.webhook_deliveries_search).toEqual({ valid: true, definition: settled });
    expect(after.webhook_deliveries_search_settled).toBeUndefined();
    expect(await rebuildSearchIndex(url)).toBe("current");
  }, 180_000);

  it("finishes what a stopped process left: an invalid index half built", async () => {
    await pool.query(`drop index webhook_deliveries_search`);
    await pool.query(OLD_INDEX);
    // A CREATE INDEX CONCURRENTLY that failed leaves its index behind, invalid.
    await expect(pool.query(`create unique index concurrently webhook_deliveries_search_settled on webhook_deliveries (provider_id)`)).rejects.toThrow();
    expect((await indexes()).webhook_deliveries_search_settled?.valid).toBe(false);
    expect(await needsRebuild()).toBe(true);

    expect(await rebuildSearchIndex(url)).toBe("rebuilt");
    const after = await indexes();
    expect(after.webhook_deliveries_search).toEqual({ valid: true, definition: settled });
    expect(after.webhook_deliveries_search_settled).toBeUndefined();
  }, 120_000);

  it("finishes what a stopped process left: the new index built, the old one dropped, not yet renamed", async () => {
    await pool.query(`alter index webhook_deliveries_search rename to webhook_deliveries_search_settled`);
    expect(await needsRebuild()).toBe(true);
    expect(await rebuildSearchIndex(url)).toBe("rebuilt");
    expect((await indexes()).webhook_deliveries_search).toEqual({ valid: true, definition: settled });
  }, 120_000);

  it("is waited for by `npm run db:migrate`, which says the migrations are applied only after it", async () => {
    await pool.query(`drop index webhook_deliveries_search`);
    await pool.query(OLD_INDEX);
    expect(await needsRebuild()).toBe(true);
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/db-migrate.ts"], {
      // TMPDIR in the test's data directory: tsx keeps its cache there, and it goes with the directory.
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: "test", TMPDIR: process.env.DATA_DIR },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, output).toBe(0);
    const lines = output.split("\n").filter((line) => /delivery search index|migrations applied/.test(line));
    expect(lines).toEqual([
      expect.stringContaining("rebuilding the delivery search index"),
      expect.stringContaining("rebuilt the delivery search index"),
      expect.stringContaining("migrations applied to the PostgreSQL database"),
    ]);
    expect(await needsRebuild()).toBe(false);
  }, 180_000);

  it("is done by one process at a time", async () => {
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query("select pg_advisory_lock($1)", [REBUILD_LOCK]);
      expect(await rebuildSearchIndex(url)).toBe("busy");
    } finally {
      await other.end();
    }
  });
});
