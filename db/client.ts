import "server-only";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { env } from "@/lib/env";
import * as schema from "./schema";

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
  // Takes effect only in a new, empty database: retention can then return freed pages (lib/retention.ts).
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  sqlite.pragma("journal_mode = WAL");
  // Explicit: better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a database that is
  // already in WAL mode would otherwise open at NORMAL, where the last commits can be lost on power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const database = drizzle(sqlite, { schema });
  migrate(database, { migrationsFolder });
  return database;
}

const holder = globalThis as typeof globalThis & { __patchbayDb?: Db };

/** The process-wide connection (kept on globalThis so dev-mode reloads reuse it). */
export function db(): Db {
  holder.__patchbayDb ??= openDatabase(env().DATABASE_PATH);
  return holder.__patchbayDb;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A statement prepared once per connection. For the few hot paths (webhook intake) where building
 * the query with drizzle and preparing it on every call costs more than running it.
 */
export function prepared(sqlText: string): Database.Statement {
  const client = db().$client;
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let statement = cache.get(sqlText);
  if (!statement) cache.set(sqlText, (statement = client.prepare(sqlText)));
  return statement;
}

export function closeDatabase(): void {
  holder.__patchbayDb?.$client.close();
  holder.__patchbayDb = undefined;
}
