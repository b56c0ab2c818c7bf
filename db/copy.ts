import { getTableName, is, sql } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { migratePostgres, openPostgres } from "./postgres";
import * as pgSchema from "./schema-pg";
import * as sqliteSchema from "./schema-sqlite";
import { DEFAULT_WORKSPACE_ID } from "./schema-sqlite";
import { openDatabase } from "./client";

export type CopyReport = { table: string; rows: number }[];

const CHUNK = 500;

/** Tables in an order where every table comes after the tables its foreign keys point at. */
export function tablesInDependencyOrder(): PgTable[] {
  const tables = (Object.values(pgSchema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  const byName = new Map(tables.map((table) => [getTableName(table), table]));
  const ordered: PgTable[] = [];
  const placed = new Set<string>();
  const visit = (table: PgTable, path: Set<string>) => {
    const name = getTableName(table);
    if (placed.has(name) || path.has(name)) return;
    path.add(name);
    for (const key of pgTableConfig(table).foreignKeys) {
      const target = getTableName(key.reference().foreignTable);
      const dependency = byName.get(target);
      if (dependency && target !== name) visit(dependency, path);
    }
    placed.add(name);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/**
 * Copies every row of a SQLite database into an empty PostgreSQL database (migrated here first):
 * the same ids, so sealed secrets, whose associated data names their row, still open with the
 * same ENCRYPTION_KEY; values pass through drizzle on both sides, so dates, booleans and JSON
 * arrive in their PostgreSQL types. Identity sequences continue after the copied ids. Refuses a
 * target that already holds rows. SQLite's search index is rebuilt by PostgreSQL's own index.
 */
export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string, progress: (line: string) => void = () => {}): Promise<CopyReport> {
  const source = openDatabase(sqlitePath);
  const target = openPostgres(postgresUrl, 2);
  try {
    await migratePostgres(target);
    const tables = tablesInDependencyOrder();
    for (const table of tables) {
      // The migrations create the default workspace (db/schema-sqlite/workspaces.ts): that row alone does not make the target "not empty".
      const seeded = getTableName(table) === "workspaces" ? sql` where id <> ${DEFAULT_WORKSPACE_ID}` : sql``;
      const [row] = (await target.execute(sql`select exists (select 1 from ${table}${seeded}) as "filled"`)).rows as { filled: boolean }[];
      if (row?.filled) throw new Error(`the PostgreSQL database is not empty (table ${getTableName(table)} has rows): copy into a new database`);
    }
    const sqliteTables = new Map(
      (Object.values(sqliteSchema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable)).map((table) => [getTableName(table), table]),
    );
    const report: CopyReport = [];
    await target.transaction(async (tx) => {
      // The source has its own default workspace (its migrations made it too): it replaces the seeded one.
      await tx.execute(sql`delete from workspaces where id = ${DEFAULT_WORKSPACE_ID}`);
      for (const table of tables) {
        const name = getTableName(table);
        const from = sqliteTables.get(name);
        if (!from) throw new Error(`table ${name} has no SQLite twin`);
        let copied = 0;
        for (let offset = 0; ; offset += CHUNK) {
          const chunk = source.select().from(from).limit(CHUNK).offset(offset).all() as Record<string, unknown>[];
          if (chunk.length === 0) break;
          await tx.insert(table).values(chunk);
          copied += chunk.length;
        }
        for (const column of pgTableConfig(table).columns) {
          if (!column.generatedIdentity) continue;
          await tx.execute(
            sql`select setval(pg_get_serial_sequence(${name}, ${column.name}), coalesce((select max(${sql.identifier(column.name)}) from ${table}), 0) + 1, false)`,
          );
        }
        report.push({ table: name, rows: copied });
        progress(`${name}: ${copied} rows`);
      }
    });
    return report;
  } finally {
    source.$client.close();
    await target.$client.end();
  }
}
