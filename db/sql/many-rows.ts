import { type Column, getTableColumns, getTableName, sql, type SQL, type Table } from "drizzle-orm";
import { execute, runSqliteStatement, transaction, usingPostgres } from "@/db/client";

/** SQLite's limit on a statement's parameters is 32,766; rows are written in chunks well under it. */
const SQLITE_PARAMETERS_PER_STATEMENT = 30_000;

/**
 * dialect: inserts (or upserts, with `onConflict`) many rows in one statement, without drizzle's
 * query builder, which builds and checks every value of a multi-row VALUES list one by one: for a
 * delivery's automation runs that cost more than running the statements did.
 *   - SQLite: a VALUES list of `?` parameters, each value mapped as drizzle maps it (booleans, JSON
 *     text), the statement prepared once per shape;
 *   - PostgreSQL: the rows as one JSON parameter, expanded by json_to_recordset with the columns' types.
 * Rows are keyed like drizzle's inserts; `keys` are the columns written (a column left out gets its
 * default; a listed one a row lacks is NULL). `onConflict` is SQL text naming columns by their SQL
 * names. Only inside a transaction (`transaction()` in db/client.ts). Returns how many rows it
 * wrote: the rows inserted (skipped by `on conflict do nothing`: not counted; updated by an upsert: counted).
 */
export async function insertRows<T extends Table>(
  table: T,
  keys: readonly (keyof T["$inferInsert"] & string)[],
  rows: Partial<T["$inferInsert"]>[],
  onConflict = "",
): Promise<number> {
  if (rows.length === 0) return 0;
  const all = getTableColumns(table) as Record<string, Column>;
  const columns = keys.map((key) => all[key]!);
  const into = insertTarget(table, keys);
  const values = (row: Partial<T["$inferInsert"]>) => keys.map((key) => (row as Record<string, unknown>)[key] ?? null);
  if (usingPostgres()) return execute(sql`insert into ${sql.raw(into)} ${jsonRecordset(table, keys, rows)} ${sql.raw(onConflict)}`);
  const rowPlaceholders = `(${columns.map(() => "?").join(", ")})`;
  const perStatement = Math.max(1, Math.floor(SQLITE_PARAMETERS_PER_STATEMENT / columns.length));
  let inserted = 0;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    inserted += runSqliteStatement(
      `insert into ${into} values ${chunk.map(() => rowPlaceholders).join(", ")} ${onConflict}`,
      chunk.flatMap((row) => values(row).map((value, index) => (value === null ? null : columns[index]!.mapToDriverValue(value)))),
    );
  }
  return inserted;
}

/** `"table" ("column", ...)`: what an insert of `keys` names after `insert into`. */
export function insertTarget<T extends Table>(table: T, keys: readonly (keyof T["$inferInsert"] & string)[]): string {
  const all = getTableColumns(table) as Record<string, Column>;
  return `"${getTableName(table)}" (${keys.map((key) => `"${all[key]!.name}"`).join(", ")})`;
}

/**
 * PostgreSQL: `select <keys' columns> from json_to_recordset($1::json) as rows(<columns and types>)`,
 * the rows as one JSON parameter (a key a row lacks is NULL), for `insert into table (<keys' columns>) <this>`.
 */
export function jsonRecordset<T extends Table>(table: T, keys: readonly (keyof T["$inferInsert"] & string)[], rows: Partial<T["$inferInsert"]>[]): SQL {
  const all = getTableColumns(table) as Record<string, Column>;
  const columns = keys.map((key) => all[key]!);
  const names = columns.map((column) => `"${column.name}"`).join(", ");
  const definition = columns.map((column) => `"${column.name}" ${column.getSQLType()}`).join(", ");
  const records = rows.map((row) => Object.fromEntries(keys.map((key, index) => [columns[index]!.name, (row as Record<string, unknown>)[key] ?? null])));
  return sql`select ${sql.raw(names)} from json_to_recordset(${JSON.stringify(records)}::json) as rows(${sql.raw(definition)})`;
}

/**
 * dialect: `column in (ids)` with the ids as one JSON parameter (drizzle's inArray is one parameter,
 * built and checked, per id): SQLite's json_each, PostgreSQL's jsonb_array_elements_text.
 */
export function inJsonList(column: Column, ids: string[]): SQL {
  if (usingPostgres()) return sql`${column} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
  return sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * dialect: `update table set <values> where <match>` (each key of `match` equal), without drizzle's
 * builder, for the small updates made several times per processed delivery (a workflow step's
 * progress). Keys whose value is undefined are left out, as drizzle's `set` leaves them; values are
 * mapped as drizzle maps them. SQLite: prepared once per shape; PostgreSQL: one statement with
 * parameters. Inside a transaction or on its own. Returns how many rows changed.
 */
export async function updateWhere<T extends Table>(table: T, values: Partial<T["$inferInsert"]>, match: Partial<T["$inferInsert"]>): Promise<number> {
  const all = getTableColumns(table) as Record<string, Column>;
  const entries = (record: object) => Object.entries(record).filter(([, value]) => value !== undefined);
  const set = entries(values);
  const where = entries(match);
  if (set.length === 0 || where.length === 0) throw new Error("updateWhere needs values and a match");
  const parameter = ([key, value]: [string, unknown]) => (value === null ? null : all[key]!.mapToDriverValue(value));
  const name = ([key]: [string, unknown]) => `"${all[key]!.name}"`;
  if (usingPostgres()) {
    const assignments = sql.join(
      set.map((entry) => sql`${sql.raw(name(entry))} = ${parameter(entry)}`),
      sql`, `,
    );
    const conditions = sql.join(
      where.map((entry) => sql`${sql.raw(name(entry))} = ${parameter(entry)}`),
      sql` and `,
    );
    return execute(sql`update ${sql.raw(`"${getTableName(table)}"`)} set ${assignments} where ${conditions}`);
  }
  const statement = `update "${getTableName(table)}" set ${set.map((entry) => `${name(entry)} = ?`).join(", ")} where ${where.map((entry) => `${name(entry)} = ?`).join(" and ")}`;
  // Inside the caller's transaction, or one of its own (joining this turn's shared commit).
  return transaction(async () => runSqliteStatement(statement, [...set, ...where].map(parameter)));
}

/** One row's change for `updateRows`: the row found by `match` (equal keys), given `values`. */
export type RowChange<T extends Table> = { values: Partial<T["$inferInsert"]>; match: Partial<T["$inferInsert"]> };

/**
 * dialect: many rows' updates (each as `updateWhere` would make it) in as few statements as their
 * shapes allow: changes setting the same columns and matching on the same keys are one statement
 * on PostgreSQL (`update ... from json_to_recordset(...)`: one round trip for them all); on SQLite,
 * in-process, each is its own prepared statement. Only inside a transaction.
 */
export async function updateRows<T extends Table>(table: T, changes: RowChange<T>[]): Promise<void> {
  const defined = (record: object) => Object.keys(record).filter((key) => (record as Record<string, unknown>)[key] !== undefined);
  const shapes = Map.groupBy(changes, (change) => JSON.stringify([defined(change.values), defined(change.match)]));
  for (const group of shapes.values()) {
    const setKeys = defined(group[0]!.values);
    const matchKeys = defined(group[0]!.match);
    // One at a time on SQLite, for a lone change, and for one updateWhere refuses (no values or no match).
    if (!usingPostgres() || group.length === 1 || setKeys.length === 0 || matchKeys.length === 0) {
      for (const change of group) await updateWhere(table, change.values, change.match);
      continue;
    }
    const all = getTableColumns(table) as Record<string, Column>;
    const name = (key: string) => `"${all[key]!.name}"`;
    const keys = [...new Set([...matchKeys, ...setKeys])] as (keyof T["$inferInsert"] & string)[];
    const rows = group.map((change) => ({ ...change.values, ...change.match }));
    await execute(
      sql`update ${sql.raw(`"${getTableName(table)}"`)} as target set ${sql.raw(setKeys.map((key) => `${name(key)} = changed.${name(key)}`).join(", "))}
        from (${jsonRecordset(table, keys, rows)}) as changed
        where ${sql.raw(matchKeys.map((key) => `target.${name(key)} = changed.${name(key)}`).join(" and "))}`,
    );
  }
}
