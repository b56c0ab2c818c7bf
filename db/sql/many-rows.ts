import { type Column, sql, type SQL } from "drizzle-orm";
import { execute, runSqliteStatement, usingPostgres } from "@/db/client";

/** A column the rows fill, with its PostgreSQL type (for SQLite, how its value is written). */
export type RowColumn = { name: string; type: "text" | "integer" | "bigint" | "boolean" | "jsonb" };

/** SQLite's limit on a statement's parameters is 32,766; rows are written in chunks well under it. */
const SQLITE_PARAMETERS_PER_STATEMENT = 30_000;

/**
 * dialect: inserts (or upserts, with `onConflict`) many rows in one statement, without drizzle's
 * query builder, which builds and checks every value of a multi-row VALUES list one by one: for a
 * delivery's automation runs that cost more than running the statements did.
 *   - SQLite: a VALUES list of `?` parameters, its statement prepared once per shape;
 *   - PostgreSQL: the rows as one JSON parameter, expanded by json_to_recordset with the columns' types.
 * `rows` are keyed by column name; a missing value is NULL (a column's default does not apply: list
 * only the columns the rows fill). Only inside a transaction (`transaction()` in db/client.ts).
 */
export async function insertRows(table: string, columns: RowColumn[], rows: Record<string, unknown>[], onConflict = ""): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((column) => `"${column.name}"`).join(", ");
  if (usingPostgres()) {
    const definition = columns.map((column) => `"${column.name}" ${column.type}`).join(", ");
    await execute(
      sql`insert into ${sql.raw(`"${table}" (${names})`)} select ${sql.raw(names)} from json_to_recordset(${JSON.stringify(rows)}::json) as rows(${sql.raw(definition)}) ${sql.raw(onConflict)}`,
    );
    return;
  }
  const rowPlaceholders = `(${columns.map(() => "?").join(", ")})`;
  const perStatement = Math.max(1, Math.floor(SQLITE_PARAMETERS_PER_STATEMENT / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const text = `insert into "${table}" (${names}) values ${chunk.map(() => rowPlaceholders).join(", ")} ${onConflict}`;
    runSqliteStatement(
      text,
      chunk.flatMap((row) => columns.map((column) => sqliteValue(row[column.name], column.type))),
    );
  }
}

/** How SQLite keeps a value: booleans as 0/1, JSON as its text. */
function sqliteValue(value: unknown, type: RowColumn["type"]): unknown {
  if (value === undefined || value === null) return null;
  if (type === "jsonb") return JSON.stringify(value);
  if (type === "boolean") return value ? 1 : 0;
  return value;
}

/**
 * dialect: `column in (ids)` with the ids as one JSON parameter (drizzle's inArray is one parameter,
 * built and checked, per id): SQLite's json_each, PostgreSQL's jsonb_array_elements_text.
 */
export function inJsonList(column: Column, ids: string[]): SQL {
  if (usingPostgres()) return sql`${column} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
  return sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`;
}
