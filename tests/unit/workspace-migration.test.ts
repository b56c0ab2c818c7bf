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
import { startThrowawayPostgres, type ThrowawayPostgres } from "../support/postgres";

/*
 * An install made by the version before workspaces moves into one default workspace, on both
 * databases: the migrations run up to the last one before workspaces, rows are written in that
 * version's shape (an owner and a member, each with endpoints, deliveries, runs, a connection, and
 * the same API imported by both), then the rest of the migrations run.
 */

const BEFORE_WORKSPACES = { sqlite: "0014_instance_key_shares", pg: "0007_instance_key_shares" };

const now = 1_767_000_000_000;

/** The previous version's rows, in SQL both dialects read (timestamps as each dialect stores them). */
function oldRows(timestamp: (ms: number) => string): string[] {
  return [
    `insert into "user" (id, name, email, role) values ('owner-1', 'Olive', 'olive@example.com', 'owner'), ('member-1', 'Max', 'max@example.com', 'member')`,
    `insert into connections (id, user_id, provider_id, auth_kind, account_id, account_label) values ('conn-owner', 'owner-1', 'github', 'oauth2', '1', 'olive'), ('conn-member', 'member-1', 'github', 'oauth2', '2', 'max')`,
    `insert into webhook_endpoints (id, user_id, provider_id, secret_sealed) values ('we_owner0000000000000000', 'owner-1', 'github', 'sealed'), ('we_member000000000000000', 'member-1', 'github', 'sealed')`,
    `insert into webhook_deliveries (user_id, endpoint_id, provider_id, received_at, headers, body, body_bytes, verified, status) values
      ('owner-1', 'we_owner0000000000000000', 'github', ${now}, '{}', '{}', 2, true, 'processed'),
      ('member-1', 'we_member000000000000000', 'github', ${now}, '{}', '{}', 2, true, 'failed')`,
    `insert into tool_runs (id, user_id, tool_id, input, status, started_at) values ('run-owner', 'owner-1', 'api-call', '{}', 'succeeded', ${now}), ('run-member', 'member-1', 'api-call', '{}', 'failed', ${now})`,
    `insert into openapi_specs (id, user_id, slug, title, version, spec_version, document, server_url, security_schemes, operation_count, created_at, updated_at) values
      ('spec-owner', 'owner-1', 'petstore', 'Petstore', '1', '3.0.3', '{}', 'https://pets.example', '{}', 1, ${timestamp(now)}, ${timestamp(now)}),
      ('spec-member', 'member-1', 'petstore', 'Petstore', '1', '3.0.3', '{}', 'https://pets.example', '{}', 1, ${timestamp(now + 1000)}, ${timestamp(now + 1000)})`,
    `insert into openapi_operations (spec_id, user_id, tool_id, method, path, summary, description, tags, input_schema, request) values
      ('spec-owner', 'owner-1', 'petstore.listPets', 'get', '/pets', '', '', '[]', '{}', '{}'),
      ('spec-member', 'member-1', 'petstore.listPets', 'get', '/pets', '', '', '[]', '{}', '{}')`,
  ];
}

type Query = <T>(text: string) => Promise<T[]>;

async function expectMovedIntoDefaultWorkspace(query: Query): Promise<void> {
  expect(await query(`select id, name from workspaces`)).toEqual([{ id: "default", name: "Default workspace" }]);
  expect(await query(`select user_id, role from memberships order by user_id`)).toEqual([
    { user_id: "member-1", role: "member" },
    { user_id: "owner-1", role: "owner" },
  ]);
  for (const table of ["webhook_endpoints", "webhook_deliveries", "tool_runs", "openapi_specs", "openapi_operations"]) {
    expect(await query(`select distinct workspace_id from ${table}`), table).toEqual([{ workspace_id: "default" }]);
  }
  // Endpoints and runs keep who made or started them; connections stay personal.
  expect(await query(`select id, user_id from webhook_endpoints order by id`)).toEqual([
    { id: "we_member000000000000000", user_id: "member-1" },
    { id: "we_owner0000000000000000", user_id: "owner-1" },
  ]);
  expect(await query(`select id, user_id from tool_runs order by id`)).toEqual([
    { id: "run-member", user_id: "member-1" },
    { id: "run-owner", user_id: "owner-1" },
  ]);
  expect(await query(`select id, user_id, workspace_id from connections order by id`)).toEqual([
    { id: "conn-member", user_id: "member-1", workspace_id: null },
    { id: "conn-owner", user_id: "owner-1", workspace_id: null },
  ]);
  // The same API imported by both: the later import takes a suffix, its tools follow.
  expect(await query(`select id, slug from openapi_specs order by id`)).toEqual([
    { id: "spec-member", slug: "petstore-member-1" },
    { id: "spec-owner", slug: "petstore" },
  ]);
  expect(await query(`select spec_id, tool_id from openapi_operations order by spec_id`)).toEqual([
    { spec_id: "spec-member", tool_id: "petstore-member-1.listPets" },
    { spec_id: "spec-owner", tool_id: "petstore.listPets" },
  ]);
}

describe("moving an existing install into the default workspace", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);

  it("on SQLite", async () => {
    const folder = join(process.cwd(), "db", "migrations");
    const earlier = migrationsUpTo(folder, BEFORE_WORKSPACES.sqlite);
    const dir = mkdtempSync(join(tmpdir(), "patchbay-workspace-migration-"));
    cleanups.push(
      () => rmSync(earlier, { recursive: true, force: true }),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const sqlite = new Database(join(dir, "old.db"));
    cleanups.push(() => void sqlite.close());
    // As the app opens its database: foreign keys on, migrations through db/client.ts's migrateSqlite.
    sqlite.pragma("foreign_keys = ON");
    const database = sqliteDrizzle(sqlite);
    migrateSqlite(database, earlier);
    for (const statement of oldRows((ms) => String(ms))) sqlite.exec(statement.replaceAll("true", "1"));
    migrateSqlite(database, folder);
    await expectMovedIntoDefaultWorkspace(async <T>(text: string) => sqlite.prepare(text).all() as T[]);
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    // Rebuilding webhook_deliveries must not lose the triggers that keep the delivery search index (0004).
    expect(sqlite.prepare("select name from sqlite_master where type = 'trigger' order by name").all()).toEqual([
      // The chart's roll-up (0022) keeps its hourly counts exact through status changes and deletions.
      { name: "webhook_deliveries_chart_delete" },
      { name: "webhook_deliveries_chart_update" },
      { name: "webhook_delivery_search_removed" },
      { name: "webhook_delivery_search_taken" },
      { name: "webhook_delivery_search_trimmed" },
      { name: "webhook_delivery_search_unprocessed" },
    ]);
  });

  it("on PostgreSQL", async () => {
    const folder = join(process.cwd(), "db", "migrations-pg");
    const earlier = migrationsUpTo(folder, BEFORE_WORKSPACES.pg);
    cleanups.push(() => rmSync(earlier, { recursive: true, force: true }));
    const cluster: ThrowawayPostgres = await startThrowawayPostgres();
    cleanups.push(() => cluster.stop());
    const pool = new pg.Pool({ connectionString: cluster.url, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const database = drizzle(pool);
    await migrate(database, { migrationsFolder: earlier });
    for (const statement of oldRows((ms) => `to_timestamp(${ms / 1000})`)) await pool.query(statement);
    await migrate(database, { migrationsFolder: folder });
    await expectMovedIntoDefaultWorkspace(async <T>(text: string) => (await pool.query(text)).rows as T[]);
  }, 240_000);
});
