import { readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { eq, getTableName, is } from "drizzle-orm";
import { drizzle as sqliteDrizzle } from "drizzle-orm/better-sqlite3";
import { migrate as sqliteMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sqliteSchema from "@/db/schema-sqlite";
import * as schema from "@/db/schema-pg";
import { findPostgresBinaries, NOT_INSTALLED, startThrowawayPostgres, type ThrowawayPostgres } from "../support/postgres";

/*
 * db/migrations-pg applied to a real PostgreSQL (a throwaway cluster, or TEST_DATABASE_URL): every
 * table, column and index of db/schema-pg exists, the delivery search has its trigram index, and a
 * row read back through drizzle has the same JavaScript shape as on SQLite.
 */

const migrationsFolder = join(process.cwd(), "db", "migrations-pg");
const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));

let starting: Promise<ThrowawayPostgres> | undefined;
let pool: pg.Pool;
let database: NodePgDatabase<typeof schema>;

beforeAll(async () => {
  starting = startThrowawayPostgres();
  const cluster = await starting;
  pool = new pg.Pool({ connectionString: cluster.url, max: 2, connectionTimeoutMillis: 10_000, query_timeout: 30_000 });
  // An idle connection ended by the server (57P01 when the cluster stops) is reported on the pool;
  // a query on it fails on its own, so the pool's report must not become an unhandled error.
  pool.on("error", () => {});
  database = drizzle(pool, { schema });
  await migrate(database, { migrationsFolder });
}, 240_000); // initdb, start-up and every migration: generous, for a loaded machine

afterAll(async () => {
  await pool?.end();
  // Also when beforeAll gave up while the cluster was still starting: stop it once it is up.
  await (await starting?.catch(() => undefined))?.stop();
}, 60_000);

async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await pool.query(text, values)).rows as T[];
}

/** information_schema's name for the types db/schema-pg uses. */
function informationSchemaType(sqlType: string): { data_type: string; datetime_precision?: number } {
  const timestamp = /^timestamp \((\d)\) with time zone$/.exec(sqlType);
  if (timestamp) return { data_type: "timestamp with time zone", datetime_precision: Number(timestamp[1]) };
  return { data_type: sqlType };
}

/** The table of an index as pg_indexes prints it: `CREATE [UNIQUE] INDEX name ON public.t USING btree (a, "B")`. */
function indexTable(definition: string): string | undefined {
  return / ON public\.("?)(\w+)\1 USING /.exec(definition)?.[2];
}

/** The columns of an index as pg_indexes prints them (a partial index's WHERE clause left out). */
function indexColumns(definition: string): string[] {
  const inside = /USING \w+ \((.*)\)/.exec(definition.replace(/ WHERE .*$/, ""))?.[1] ?? "";
  return inside.split(", ").map((column) => column.replace(/^"(.*)"$/, "$1"));
}

describe("PostgreSQL migrations", () => {
  it("create every table and column of db/schema-pg, with its type, nullability and identity", async () => {
    const columns = await rows<{
      table_name: string;
      column_name: string;
      data_type: string;
      datetime_precision: number | null;
      is_nullable: string;
      is_identity: string;
    }>(
      `select table_name, column_name, data_type, datetime_precision, is_nullable, is_identity
       from information_schema.columns where table_schema = 'public'`,
    );
    const actual = new Map(columns.map((column) => [`${column.table_name}.${column.column_name}`, column]));
    const expected = tables.flatMap((table) => getTableConfig(table).columns.map((column) => ({ table: getTableName(table), column })));
    expect([...actual.keys()].sort()).toEqual(expected.map(({ table, column }) => `${table}.${column.name}`).sort());
    for (const { table, column } of expected) {
      const found = actual.get(`${table}.${column.name}`)!;
      const type = informationSchemaType(column.getSQLType());
      expect({ table, column: column.name, data_type: found.data_type, nullable: found.is_nullable === "YES", identity: found.is_identity === "YES" }).toEqual({
        table,
        column: column.name,
        data_type: type.data_type,
        nullable: !column.notNull,
        identity: Boolean(column.generatedIdentity),
      });
      if (type.datetime_precision !== undefined) expect(found.datetime_precision, `${table}.${column.name}`).toBe(type.datetime_precision);
    }
  });

  it("create every index and unique constraint of db/schema-pg, on the same columns", async () => {
    const indexes = await rows<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where schemaname = 'public'`);
    const byName = new Map(indexes.map((index) => [index.indexname, index.indexdef]));
    for (const table of tables) {
      const config = getTableConfig(table);
      const declared = [
        ...config.indexes.map(({ config: index }) => ({
          name: index.name!,
          columns: index.columns.map((column) => (column as { name: string }).name),
          unique: index.unique,
          partial: index.where !== undefined,
        })),
        ...config.columns
          .filter((column) => column.isUnique)
          .map((column) => ({ name: column.uniqueName!, columns: [column.name], unique: true, partial: false })),
      ];
      for (const index of declared) {
        const definition = byName.get(index.name);
        expect(definition, `index ${index.name}`).toBeDefined();
        expect({
          name: index.name,
          table: indexTable(definition!),
          columns: indexColumns(definition!),
          unique: definition!.startsWith("CREATE UNIQUE INDEX"),
          partial: definition!.includes(" WHERE "),
        }).toEqual({
          ...index,
          table: getTableName(table),
        });
      }
    }
  });

  it("give the delivery search a GIN trigram index of settled deliveries, and one of those in flight, that the search query uses", async () => {
    expect(await rows(`select extname from pg_extension where extname = 'pg_trgm'`)).toHaveLength(1);
    const [search] = await rows<{ indexdef: string }>(`select indexdef from pg_indexes where indexname = 'webhook_deliveries_search'`);
    expect(search?.indexdef).toMatch(
      /ON public\.webhook_deliveries USING gin \(delivery_id gin_trgm_ops, repository gin_trgm_ops, .*event.*action.* gin_trgm_ops, body gin_trgm_ops\) WHERE \(status <> ALL \(ARRAY\['received'::text, 'processing'::text\]\)\)$/,
    );

    // The query form 0021_search_settled.sql documents is answered from the indexes: settled
    // deliveries from the trigram index, those in flight from theirs (the table is tiny, so the
    // planner is told not to prefer a sequential scan).
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("set local enable_seqscan = off");
      const matches = `(delivery_id ilike $1 or repository ilike $1 or coalesce(event || coalesce('.' || action, ''), '') ilike $1 or body ilike $1)`;
      const plan = await client.query<{ "QUERY PLAN": string }>(
        `explain select id from webhook_deliveries
         where (status not in ('received', 'processing') and ${matches})
            or ((status = 'processing' or (status = 'received' and attempts > 0)) and ${matches})`,
        ["%octocat%"],
      );
      expect(plan.rows.map((row) => row["QUERY PLAN"]).join("\n")).toContain("webhook_deliveries_in_flight");
      expect(plan.rows.map((row) => row["QUERY PLAN"]).join("\n")).toContain("webhook_deliveries_search");
    } finally {
      await client.query("rollback");
      client.release();
    }
  });

  it("are recorded, so applying them again (every start-up) changes nothing", async () => {
    const before = await rows(`select hash, created_at from drizzle.__drizzle_migrations order by id`);
    expect(before).toHaveLength(readdirSync(migrationsFolder).filter((name) => name.endsWith(".sql")).length);
    await migrate(database, { migrationsFolder });
    expect(await rows(`select hash, created_at from drizzle.__drizzle_migrations order by id`)).toEqual(before);
  });
});

/** Each value's JavaScript kind, for comparing rows across dialects. */
function shape(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value === null ? "null" : value instanceof Date ? "Date" : Array.isArray(value) ? "array" : typeof value]),
  );
}

describe("a row read back through drizzle", () => {
  it("has the same JavaScript shape and values on PostgreSQL as on SQLite", async () => {
    const sqlite = sqliteDrizzle(new Database(":memory:"), { schema: sqliteSchema });
    sqliteMigrate(sqlite, { migrationsFolder: join(process.cwd(), "db", "migrations") });
    try {
      const verifiedAt = new Date("2026-03-04T05:06:07.089Z");
      const receivedAt = Date.parse("2026-03-04T05:06:08.123Z"); // past 2^31
      const user = { id: "user-1", name: "Ada", email: "ada@example.com", emailVerified: verifiedAt, role: "owner" as const };
      // The default workspace: both migrations create it.
      const workspaceId = sqliteSchema.DEFAULT_WORKSPACE_ID;
      const endpoint = { id: "endpoint-1", workspaceId, userId: user.id, providerId: "github", secretSealed: "sealed" };
      const delivery = {
        workspaceId,
        endpointId: endpoint.id,
        providerId: "github",
        dedupeKey: "endpoint-1:hook:delivery-1",
        deliveryId: "delivery-1",
        event: "push",
        repository: "octocat/hello",
        receivedAt,
        headers: { "x-github-event": "push", "content-type": "application/json" },
        body: '{"ref":"refs/heads/main"}',
        bodyBytes: 25,
        verified: true,
        status: "received" as const,
        nextAttemptAt: receivedAt + 5_000,
      };
      const token = { userId: user.id, workspaceId, name: "ci", tokenHash: "hash-1", scope: "read" as const, expiresAt: new Date(receivedAt + 86_400_000) };

      sqlite.insert(sqliteSchema.users).values(user).run();
      sqlite.insert(sqliteSchema.memberships).values({ workspaceId, userId: user.id, role: "owner" }).run();
      sqlite.insert(sqliteSchema.webhookEndpoints).values(endpoint).run();
      sqlite.insert(sqliteSchema.webhookDeliveries).values(delivery).run();
      sqlite
        .insert(sqliteSchema.accessTokens)
        .values({ ...token, id: "token-1" })
        .run();
      await database.insert(schema.users).values(user);
      await database.insert(schema.memberships).values({ workspaceId, userId: user.id, role: "owner" });
      await database.insert(schema.webhookEndpoints).values(endpoint);
      await database.insert(schema.webhookDeliveries).values(delivery);
      await database.insert(schema.accessTokens).values({ ...token, id: "token-1" });

      const fromSqlite = {
        user: sqlite.select().from(sqliteSchema.users).where(eq(sqliteSchema.users.id, user.id)).get()!,
        workspace: sqlite.select().from(sqliteSchema.workspaces).where(eq(sqliteSchema.workspaces.id, workspaceId)).get()!,
        membership: sqlite.select().from(sqliteSchema.memberships).get()!,
        endpoint: sqlite.select().from(sqliteSchema.webhookEndpoints).get()!,
        delivery: sqlite.select().from(sqliteSchema.webhookDeliveries).get()!,
        token: sqlite.select().from(sqliteSchema.accessTokens).get()!,
      };
      const [pgUser] = await database.select().from(schema.users).where(eq(schema.users.id, user.id));
      const [pgWorkspace] = await database.select().from(schema.workspaces).where(eq(schema.workspaces.id, workspaceId));
      const [pgMembership] = await database.select().from(schema.memberships);
      const [pgEndpoint] = await database.select().from(schema.webhookEndpoints);
      const [pgDelivery] = await database.select().from(schema.webhookDeliveries);
      const [pgToken] = await database.select().from(schema.accessTokens);
      const fromPg = { user: pgUser!, workspace: pgWorkspace!, membership: pgMembership!, endpoint: pgEndpoint!, delivery: pgDelivery!, token: pgToken! };

      for (const name of ["user", "workspace", "membership", "endpoint", "delivery", "token"] as const) {
        expect(shape(fromPg[name]), name).toEqual(shape(fromSqlite[name]));
        // Everything but the creation time the database set is the same value.
        expect({ ...fromPg[name], createdAt: "set by the database" }, name).toEqual({ ...fromSqlite[name], createdAt: "set by the database" });
      }
      expect(fromPg.delivery).toMatchObject({ id: 1, receivedAt, verified: true, bodyTruncated: false, replayRequested: false, headers: delivery.headers });
      expect(fromPg.user.emailVerified).toEqual(verifiedAt);
      expect(fromPg.user.createdAt).toBeInstanceOf(Date);
      expect(Math.abs(fromPg.user.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(fromPg.endpoint.events).toEqual([]);
      expect(fromPg.workspace).toMatchObject({ id: workspaceId, requireSecondFactor: false });
      expect(fromPg.token).toMatchObject({ rateWindowStart: 0, rateWindowCount: 0, lastUsedAt: null });
    } finally {
      sqlite.$client.close();
    }
  });
});

describe("the throwaway cluster", () => {
  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))("finds initdb and pg_ctl (Debian's newest, else on PATH)", () => {
    expect(findPostgresBinaries()).toMatchObject({ initdb: expect.stringMatching(/\/initdb$/), pgCtl: expect.stringMatching(/\/pg_ctl$/) });
  });

  it("says in one line how to get PostgreSQL when it is not installed", async () => {
    const saved = process.env.TEST_DATABASE_URL;
    delete process.env.TEST_DATABASE_URL;
    try {
      const nowhere = { debian: join(process.cwd(), "no-such-directory"), path: "" };
      expect(findPostgresBinaries(nowhere)).toBeUndefined();
      const refusal = await startThrowawayPostgres(nowhere).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(refusal).toBe("PostgreSQL is not installed: apt-get install -y postgresql (or set TEST_DATABASE_URL)");
      expect(refusal).toBe(NOT_INSTALLED);
    } finally {
      if (saved !== undefined) process.env.TEST_DATABASE_URL = saved;
    }
  });
});
