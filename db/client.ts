import "server-only";
import Database from "better-sqlite3";
import { AsyncLocalStorage } from "node:async_hooks";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SQL } from "drizzle-orm";
import { env } from "@/lib/platform/env";
import { currentTransaction, migratePostgres, openPostgres, postgresTransaction, type PgDb } from "./postgres";
import * as schema from "./schema";
import { sharedCommit } from "./sqlite-commit";
import { exclusively, gated, inGatedTransaction, outsideTransactions } from "./sqlite-gate";
import { processState } from "@/lib/platform/process-state";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = join(process.cwd(), "db", "migrations");

/**
 * The database file readable by this user only, like secrets.json: created 0600 before SQLite
 * opens it, and tightened if an older start-up left it wider. SQLite gives the -wal and -shm
 * files the database file's mode when it creates them; ones already there are tightened too.
 */
function restrictDatabaseFiles(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/**
 * The one place that opens SQLite: WAL so readers never block the writer, synchronous=FULL so a
 * commit is on disk when it returns (a 2xx to a webhook promises that), foreign keys enforced, and
 * a busy timeout so a second writer waits instead of failing. Migrations run on open.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (path !== ":memory:") restrictDatabaseFiles(path);
  const sqlite = new Database(path);
  // Takes effect only in a new, empty database: retention can then return freed pages (lib/server/retention.ts).
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  sqlite.pragma("journal_mode = WAL");
  // Explicit: better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a database that is
  // already in WAL mode would otherwise open at NORMAL, where the last commits can be lost on power loss.
  sqlite.pragma("synchronous = FULL");
  // Every write runs in a savepoint of the shared transaction (db/sqlite-commit.ts), whose
  // sub-journal keeps the pages it changes so it can be rolled back alone. Past 64 KB (a 7 KB
  // delivery and its index pages often are) SQLite spills that journal to a new temporary file:
  // an open, writes and a close in /var/tmp for about every other delivery, on the data disk. In memory
  // it is a copy of those pages; it is never needed after a crash (the WAL is what recovers).
  // The trade: temporary tables and the b-trees some queries build (DISTINCT, IN (subquery)) are
  // held in memory too rather than spilling to a file past the page cache.
  sqlite.pragma("temp_store = MEMORY");
  sqlite.pragma("busy_timeout = 5000");
  // A burst can grow the write-ahead log by hundreds of megabytes before a checkpoint catches up;
  // once a checkpoint has emptied it, SQLite cuts the file back to this size instead of keeping it.
  sqlite.pragma("journal_size_limit = 67108864");
  reusePreparedStatements(sqlite);
  const database = drizzle(sqlite, { schema });
  migrateSqlite(database, migrationsFolder);
  return database;
}

/** How many statements a connection keeps prepared (the app runs a few hundred distinct ones). */
const PREPARED_STATEMENTS_KEPT = 1000;

/**
 * drizzle prepares every query it runs afresh; preparing cost more than running for the
 * dispatcher's small statements (16% of a processed delivery's time, bench/processing.ts). The
 * connection keeps its most recent statements by SQL text and hands them out again. drizzle runs a
 * statement in the same synchronous step as it prepares it, and may switch it to raw (array)
 * rows, so a statement handed out again is switched back first.
 */
function reusePreparedStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (statement) {
      kept.delete(source);
      if (statement.reader) statement.raw(false);
    } else {
      statement = prepare(source);
      if (kept.size >= PREPARED_STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    }
    kept.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * Applies pending migrations with foreign keys off, then checks them and turns them on. A migration
 * that rebuilds a table (create, copy, drop, rename: SQLite's way to change a column) asks for
 * foreign keys off itself, but drizzle runs it inside a transaction, where that pragma does
 * nothing: dropping the old table would then cascade into the tables that reference it and delete
 * their rows (an upgrade that lost every imported tool did exactly that).
 */
export function migrateSqlite(database: BetterSQLite3Database<Record<string, unknown>> & { $client: Database.Database }, folder = migrationsFolder): void {
  database.$client.pragma("foreign_keys = OFF");
  migrate(database, { migrationsFolder: folder });
  const broken = database.$client.pragma("foreign_key_check") as unknown[];
  if (broken.length > 0) throw new Error(`The migrations left ${broken.length} rows whose references point nowhere (PRAGMA foreign_key_check).`);
  database.$client.pragma("foreign_keys = ON");
}

const held = processState(
  "Db",
  (): { sqlite?: Db; gated?: Db; pg?: PgDb; pgLazy?: PgDb; pgReady?: Promise<void>; lazyCommits?: AsyncLocalStorage<true> } => ({}),
);

/** Whether this async context runs with lazy commits (withLazyCommits); made on first use, as a dev-mode reload keeps the process state it found. */
function lazyCommits(): AsyncLocalStorage<true> {
  return (held.lazyCommits ??= new AsyncLocalStorage<true>());
}

/** PostgreSQL when DATABASE_URL is a postgres:// URL (the tables of @/db/schema follow the same rule). */
export function usingPostgres(): boolean {
  return env().DATABASE_DIALECT === "postgres";
}

function connection(): Db {
  held.sqlite ??= openDatabase(env().DATABASE_PATH);
  return held.sqlite;
}

function postgres(): PgDb {
  if (lazyCommits().getStore()) return (held.pgLazy ??= openPostgres(env().DATABASE_URL!, env().DATABASE_POOL_SIZE, { lazyCommits: true }));
  held.pg ??= openPostgres(env().DATABASE_URL!, env().DATABASE_POOL_SIZE);
  return held.pg;
}

/**
 * Runs `body`, whose writes lead up to a durable commit made after it in the same flow, with
 * PostgreSQL's asynchronous commit (synchronous_commit off, on a pool of its own): a COMMIT there
 * returns without waiting for the WAL to reach the disk. Nothing is weaker for it: the WAL is
 * written in order, so the durable commit that follows flushes these commits too, and until it
 * has, nothing promised depends on them (a server crash before it loses them with it, and the work
 * is done again, as after a crash in the middle of it; PostgreSQL's WAL writer flushes them within
 * a fraction of a second anyway). Everything else stays durable at COMMIT.
 * The dispatcher runs a delivery's processing this way (lib/webhooks/dispatcher.ts): a processed
 * delivery cost five or six WAL flushes, one per transaction, and now about one, its outcome's.
 * A transaction already open (joined) keeps its own setting. SQLite: nothing to do (one shared
 * COMMIT per turn, db/sqlite-commit.ts).
 */
export function withLazyCommits<T>(body: () => Promise<T>): Promise<T> {
  return usingPostgres() ? lazyCommits().run(true, body) : body();
}

/** Whether writes made here commit lazily (inside withLazyCommits, on PostgreSQL). */
export function commitsLazily(): boolean {
  return usingPostgres() && lazyCommits().getStore() === true;
}

/**
 * Runs `body` with lazy commits when `lazy` and with durable ones when not, whatever the async
 * context it is called from says: a batch of writes handed in by several flows (lib/platform/per-turn.ts)
 * runs in the context of whichever scheduled it, and commits lazily only if every write in it would have.
 */
export function withCommitsAs<T>(lazy: boolean, body: () => Promise<T>): Promise<T> {
  if (!usingPostgres()) return body();
  return lazy ? lazyCommits().run(true, body) : lazyCommits().exit(body);
}

/** Inside a PostgreSQL transaction, its connection; otherwise the pool. */
function postgresNow(): PgDb {
  return currentTransaction() ?? postgres();
}

/**
 * Opens the database and applies pending migrations: synchronously on SQLite (the first `db()`
 * does it too), and on PostgreSQL once per process, under an advisory lock so processes starting
 * together take turns. Start-up awaits it before serving.
 */
export async function databaseReady(): Promise<void> {
  if (!usingPostgres()) {
    connection();
    return;
  }
  held.pgReady ??= migratePostgres(postgres());
  await held.pgReady;
}

/**
 * The data-access API every feature module uses: drizzle's query builders, always awaited
 * (`await db().select()...`, `const [row] = await ....limit(1)`), never their dialect-specific
 * synchronous `.all()` / `.get()` / `.run()`. Raw SQL goes through `rows` and `execute`, several
 * statements that must commit together through `transaction`. Typed with the SQLite declarations;
 * on PostgreSQL the same calls run on drizzle's node-postgres driver and the tables of
 * db/schema-pg. (Kept in the process state so dev-mode reloads reuse the connection.)
 */
export function db(): Db {
  if (usingPostgres()) return postgresNow() as unknown as Db;
  const raw = connection();
  if (held.gated?.$client !== raw.$client) held.gated = gated(raw, writeOutsideTransactions);
  return held.gated;
}

/**
 * A write outside any transaction, on SQLite: it runs in the shared transaction of this turn
 * (db/sqlite-commit.ts) once no transaction is running, and settles after that COMMIT.
 */
async function writeOutsideTransactions<T>(run: () => Promise<T>): Promise<T> {
  const { committed, result } = await outsideTransactions(() => {
    const joined = sharedCommit(connection().$client).join();
    return { committed: joined, result: run() };
  });
  const value = await result;
  await committed;
  return value;
}

/** The savepoint each top-level transaction runs in, inside the shared transaction (they never nest: a nested one joins). */
const SAVEPOINT = "patchbay_transaction";

/**
 * Runs `body` as one transaction and resolves with its result after COMMIT (or rejects after
 * rolling it back). `tx` is the database to use inside it; `db()`, `rows` and `execute` called
 * inside it run in it too, and a transaction started inside another joins it. On SQLite the
 * transactions of the process take turns on its one connection, the gate (db/sqlite-gate.ts)
 * holding back queries from outside the running one; each runs in a savepoint of the shared
 * transaction (db/sqlite-commit.ts), so those of one turn share one COMMIT. On PostgreSQL, one
 * pooled connection each.
 */
export function transaction<T>(body: (tx: Db) => Promise<T>): Promise<T> {
  if (usingPostgres()) return postgresTransaction(postgres(), (tx) => body(tx as unknown as Db));
  const database = db();
  if (inGatedTransaction()) return body(database);
  const client = database.$client;
  const shared = sharedCommit(client);
  let committed: Promise<void> | undefined;
  return exclusively(async () => {
    committed = shared.join();
    client.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const result = await body(database);
      client.exec(`RELEASE ${SAVEPOINT}`);
      return result;
    } catch (error) {
      if (client.inTransaction) {
        client.exec(`ROLLBACK TO ${SAVEPOINT}`);
        client.exec(`RELEASE ${SAVEPOINT}`);
      } else {
        // SQLite rolled everything back itself (e.g. a full disk): the others in the shared transaction are lost too.
        shared.lost(error);
      }
      throw error;
    }
  }).then(async (result) => {
    await committed;
    return result;
  });
}

/** Runs a raw SELECT and resolves with its rows (alias columns as "camelCase", quoted, for both dialects). */
export async function rows<T>(query: SQL): Promise<T[]> {
  if (usingPostgres()) return (await postgresNow().execute(query)).rows as T[];
  return outsideTransactions(() => connection().all<T>(query));
}

/** Runs a raw INSERT / UPDATE / DELETE and resolves with how many rows it changed (on SQLite, after its COMMIT). */
export async function execute(query: SQL): Promise<number> {
  if (usingPostgres()) return (await postgresNow().execute(query)).rowCount ?? 0;
  if (inGatedTransaction()) return connection().run(query).changes;
  return writeOutsideTransactions(async () => connection().run(query).changes);
}

/** How many rows an awaited insert / update / delete without `returning` changed, in either dialect (or a count already). */
export function affectedRows(result: unknown): number {
  if (typeof result === "number") return result;
  const outcome = result as { changes?: number; rowCount?: number | null };
  return outcome.changes ?? outcome.rowCount ?? 0;
}

/**
 * SQLite: runs a statement written as text with `?` parameters, inside the running transaction
 * (its statement is prepared once per text and kept with the others). Returns the rows changed.
 */
export function runSqliteStatement(sqlText: string, parameters: unknown[]): number {
  if (!inGatedTransaction()) throw new Error("runSqliteStatement runs inside transaction() only");
  return connection()
    .$client.prepare(sqlText)
    .run(...parameters).changes;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A statement prepared once per connection. For the few hot paths (webhook intake) where building
 * the query with drizzle and preparing it on every call costs more than running it.
 */
export function prepared(sqlText: string): Database.Statement {
  if (usingPostgres()) throw new Error("prepared statements are SQLite's; on PostgreSQL use db() or rows/execute");
  const client = connection().$client;
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let statement = cache.get(sqlText);
  if (!statement) cache.set(sqlText, (statement = client.prepare(sqlText)));
  return statement;
}

export async function closeDatabase(): Promise<void> {
  if (held.sqlite) sharedCommit(held.sqlite.$client).commitNow();
  held.sqlite?.$client.close();
  held.sqlite = undefined;
  held.gated = undefined;
  const pools = [held.pg?.$client, held.pgLazy?.$client];
  held.pg = undefined;
  held.pgLazy = undefined;
  held.pgReady = undefined;
  await Promise.all(pools.map((pool) => pool?.end()));
}
