import { AsyncLocalStorage } from "node:async_hooks";
import { join } from "node:path";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as pgSchema from "./schema-pg";
import { rebuildSearchIndex, searchIndexNeedsRebuild } from "./sql/search-index-pg";
import { log } from "@/lib/platform/log";

export type PgDb = NodePgDatabase<typeof pgSchema> & { $client: pg.Pool };

// node-postgres returns 64-bit integers and numerics as strings; ours (epoch milliseconds, ids,
// counts) fit a JavaScript number, and SQLite returns them as numbers, so raw SQL reads the same.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export const pgMigrationsFolder = join(process.cwd(), "db", "migrations-pg");

/**
 * The pool of one process. Every process of a deployment opens its own against the same
 * database; anything they must agree on goes through the database, never this pool's memory.
 */
export function openPostgres(url: string, poolSize: number, { lazyCommits = false } = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    // Set when the connection starts, so every statement on it commits lazily (db/client.ts, withLazyCommits).
    ...(lazyCommits ? { options: "-c synchronous_commit=off" } : {}),
  });
  // An idle client losing its connection (a server restart) must not take the process down; the pool replaces it.
  pool.on("error", (error) => console.error(`patchbay: a PostgreSQL connection was lost: ${error.message}`));
  return drizzle(pool, { schema: pgSchema }) as PgDb;
}

/** Any constant: every Patchbay process takes the same lock, so one applies the migrations and the others wait for it. */
const MIGRATION_LOCK = 0x5041_5443; // "PATC"

/** Applies db/migrations-pg, one process at a time. */
export async function migratePostgres(database: PgDb): Promise<void> {
  const client = await database.$client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client, { schema: pgSchema }), { migrationsFolder: pgMigrationsFolder });
      if (await searchIndexNeedsRebuild(client)) rebuildInBackground(database.$client.options.connectionString);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** The background rebuild this process started, if any (settles, never rejects). */
let backgroundRebuild: Promise<unknown> | undefined;

/** A rebuild a migration left for after start-up (db/sql/search-index-pg.ts): the process serves meanwhile. */
function rebuildInBackground(connectionString: string | undefined): void {
  if (!connectionString) return;
  backgroundRebuild = rebuildSearchIndex(connectionString).catch((error: unknown) =>
    log.warn("the delivery search index could not be rebuilt now; the next start tries again", { error: (error as Error).message }),
  );
}

/** Resolves once the background rebuild started by this process's migration has ended (at once if none): `npm run db:migrate` waits for it. */
export async function backgroundRebuildEnded(): Promise<void> {
  await backgroundRebuild;
}

type Scope = { tx: PgDb; open: boolean };
const transactionScope = new AsyncLocalStorage<Scope>();

/** The transaction this async context runs in, while it is open. */
export function currentTransaction(): PgDb | undefined {
  const scope = transactionScope.getStore();
  return scope?.open ? scope.tx : undefined;
}

/**
 * Runs `body` as if no transaction were open: `db()`, `rows` and `execute` inside it use the pool.
 * For statements that must commit on their own at once even when called from inside a
 * transaction (a rate-limit reservation must not wait for the caller's COMMIT, nor be undone by its ROLLBACK).
 */
export function outsideTransaction<T>(body: () => T): T {
  return transactionScope.exit(body);
}

/**
 * One transaction on one pooled connection. Inside it, `db()`, `rows` and `execute` use that
 * connection too (as on SQLite, where everything shares one), and a nested call joins it.
 */
export async function postgresTransaction<T>(database: PgDb, body: (tx: PgDb) => Promise<T>): Promise<T> {
  const outer = currentTransaction();
  if (outer) return body(outer);
  return database.transaction(async (tx) => {
    const scope: Scope = { tx: tx as unknown as PgDb, open: true };
    try {
      return await transactionScope.run(scope, () => body(scope.tx));
    } finally {
      scope.open = false;
    }
  });
}
