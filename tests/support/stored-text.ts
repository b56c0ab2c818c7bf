import { existsSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";

/**
 * Everything the database holds, as text, for scans that prove a secret is never stored in plain
 * text. SQLite: the bytes of the database file and its WAL (every page, live or not). PostgreSQL:
 * the server's files are not ours to read, so every text, varchar and json column of every table
 * in the public schema, read through a query.
 */
export async function storedText(): Promise<string> {
  // Imported here, not at the top: some test files import the app's modules only after setting up their environment.
  const [{ rows, usingPostgres }, { env }] = await Promise.all([import("@/db/client"), import("@/lib/platform/env")]);
  if (!usingPostgres()) {
    const path = env().DATABASE_PATH;
    return [path, `${path}-wal`]
      .filter(existsSync)
      .map((file) => readFileSync(file).toString("latin1"))
      .join("\n");
  }
  const columns = await rows<{ table: string; column: string }>(sql`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb')
    order by table_name, ordinal_position`);
  const tables = Map.groupBy(columns, (entry) => entry.table);
  const texts: string[] = [];
  for (const [table, entries] of tables) {
    const joined = sql.join(
      entries.map((entry) => sql`coalesce(${sql.identifier(entry.column)}::text, '')`),
      sql` || chr(10) || `,
    );
    const found = await rows<{ text: string }>(sql`select ${joined} as "text" from ${sql.identifier(table)}`);
    texts.push(...found.map((row) => row.text));
  }
  return texts.join("\n");
}
