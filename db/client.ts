import "server-only";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = join(process.cwd(), "db", "migrations");

/**
 * The one place that opens SQLite: WAL so readers never block the writer, foreign keys enforced,
 * and a busy timeout so a second writer waits instead of failing. Migrations run on open.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new Database(path);
  // Takes effect only in a new, empty database: retention can then return freed pages (lib/retention.ts).
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  sqlite.pragma("journal_mode = WAL");
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
