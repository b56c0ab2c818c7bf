import { getTableName, is, SQL } from "drizzle-orm";
import { getTableConfig as pgTableConfig, index as pgIndex, integer as pgInteger, PgDialect, PgTable, pgTable, text as pgText } from "drizzle-orm/pg-core";
import {
  getTableConfig as sqliteTableConfig,
  integer as sqliteInteger,
  SQLiteSyncDialect,
  SQLiteTable,
  sqliteTable,
  text as sqliteText,
} from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "@/db/schema-pg";
import * as sqliteSchema from "@/db/schema-sqlite";
import { pgSchemaDifferences } from "@/scripts/db-schema-pg";

/*
 * db/schema-sqlite and db/schema-pg (PostgreSQL) must declare the same tables, columns, keys and
 * indexes, so that feature modules never learn the dialect. The table files of db/schema-pg are
 * generated from db/schema-sqlite (npm run db:schema:pg), and must be what it would write; each
 * dialect's common.ts is its own. Each table is then reduced to a plain description, built the same
 * way from either dialect, and the two descriptions must be equal.
 */

/** SQL defaults that are written differently but mean the same. */
const sqlDefaultTwins: Record<string, string> = {
  "(unixepoch('subsec') * 1000)": "now()",
  "'[]'": "'[]'::jsonb",
};

type Column = {
  name: string;
  /** What drizzle hands to JavaScript: string, number, boolean, date, json... */
  dataType: string;
  notNull: boolean;
  enumValues: readonly string[] | undefined;
  default: unknown;
  defaultFn: boolean;
};

type Description = {
  columns: Column[];
  primaryKey: string[];
  unique: { name: string; columns: string[] }[];
  indexes: { name: string; columns: string[]; unique: boolean; where: string | undefined }[];
  foreignKeys: { name: string; columns: string[]; table: string; foreignColumns: string[]; onDelete: string | undefined; onUpdate: string | undefined }[];
};

type AnyColumn = {
  name: string;
  dataType: string;
  notNull: boolean;
  primary: boolean;
  isUnique: boolean;
  uniqueName: string | undefined;
  enumValues?: readonly string[];
  default: unknown;
  defaultFn?: unknown;
};
type AnyConfig = {
  columns: AnyColumn[];
  primaryKeys: { columns: { name: string }[] }[];
  uniqueConstraints: { name?: string; columns: { name: string }[]; getName?: () => string }[];
  indexes: { config: { name: string; columns: unknown[]; unique: boolean; where?: SQL } }[];
  foreignKeys: {
    getName(): string;
    onDelete?: string;
    onUpdate?: string;
    reference(): { columns: { name: string }[]; foreignColumns: { name: string }[]; foreignTable: unknown };
  }[];
};

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function describeTable(config: AnyConfig, sqlText: (value: SQL) => string, translate: (sqlDefault: string) => string): Description {
  const sorted = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
  const indexColumn = (column: unknown) => (is(column, SQL) ? `(${sqlText(column)})` : (column as { name: string }).name);
  return {
    columns: sorted(
      config.columns.map((column) => ({
        name: column.name,
        dataType: column.dataType,
        notNull: column.notNull,
        enumValues: column.enumValues && column.enumValues.length > 0 ? column.enumValues : undefined,
        default: is(column.default, SQL) ? { sql: translate(sqlText(column.default)) } : column.default,
        defaultFn: typeof column.defaultFn === "function",
      })),
    ),
    primaryKey: [
      ...config.columns.filter((column) => column.primary).map((column) => column.name),
      ...config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
    ],
    unique: sorted([
      ...config.columns.filter((column) => column.isUnique).map((column) => ({ name: column.uniqueName!, columns: [column.name] })),
      ...config.uniqueConstraints.map((constraint) => ({
        name: constraint.getName?.() ?? constraint.name!,
        columns: constraint.columns.map((column) => column.name),
      })),
    ]),
    indexes: sorted(
      config.indexes.map(({ config: index }) => ({
        name: index.name,
        columns: index.columns.map(indexColumn),
        unique: index.unique,
        where: index.where ? sqlText(index.where) : undefined,
      })),
    ),
    foreignKeys: sorted(
      config.foreignKeys.map((key) => {
        const reference = key.reference();
        return {
          name: key.getName(),
          columns: reference.columns.map((column) => column.name),
          table: getTableName(reference.foreignTable as SQLiteTable),
          foreignColumns: reference.foreignColumns.map((column) => column.name),
          // Both dialects default to "no action".
          onDelete: key.onDelete ?? "no action",
          onUpdate: key.onUpdate ?? "no action",
        };
      }),
    ),
  };
}

function describeSqlite(table: SQLiteTable): Description {
  return describeTable(
    sqliteTableConfig(table) as unknown as AnyConfig,
    (value) => sqliteDialect.sqlToQuery(value).sql,
    (text) => sqlDefaultTwins[text] ?? text,
  );
}

function describePg(table: PgTable): Description {
  return describeTable(
    pgTableConfig(table) as unknown as AnyConfig,
    (value) => pgDialect.sqlToQuery(value).sql,
    (text) => text,
  );
}

function tablesOf<T extends SQLiteTable | PgTable>(schema: Record<string, unknown>, isTable: (value: unknown) => value is T): Map<string, T> {
  const tables = new Map<string, T>();
  for (const value of Object.values(schema)) if (isTable(value)) tables.set(getTableName(value), value);
  return tables;
}

const sqliteTables = tablesOf(sqliteSchema, (value): value is SQLiteTable => is(value, SQLiteTable));
const pgTables = tablesOf(pgSchema, (value): value is PgTable => is(value, PgTable));

describe("SQLite and PostgreSQL schemas", () => {
  it("db/schema-pg is what npm run db:schema:pg writes from db/schema-sqlite", () => {
    expect(pgSchemaDifferences()).toEqual([]);
  });

  it("declare the same tables", () => {
    expect(sqliteTables.size).toBeGreaterThan(20);
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
  });

  it("export the same names, and the same values for the non-table ones (status lists, kinds)", () => {
    expect(Object.keys(pgSchema).sort()).toEqual(Object.keys(sqliteSchema).sort());
    for (const [name, value] of Object.entries(sqliteSchema)) {
      if (!is(value, SQLiteTable)) expect(pgSchema[name as keyof typeof pgSchema], name).toEqual(value);
    }
  });

  it.each([...sqliteTables.keys()].sort())(
    "declare %s alike: columns, JS types, nullability, defaults, keys, unique constraints, indexes, foreign keys",
    (name) => {
      const postgresTable = pgTables.get(name);
      expect(postgresTable, `${name} is missing from db/schema-pg`).toBeDefined();
      expect(describePg(postgresTable!)).toEqual(describeSqlite(sqliteTables.get(name)!));
    },
  );

  it("keep numbers that hold epoch milliseconds in 64 bits on PostgreSQL", () => {
    // A plain SQLite integer is 64-bit; PostgreSQL's integer is 32-bit and ends in 1970 + 24 days.
    const narrow = [...pgTables.values()].flatMap((table) =>
      pgTableConfig(table)
        .columns.filter((column) => column.getSQLType() === "integer" && /(_at|_until|_start)$/.test(column.name))
        .map((column) => `${getTableName(table)}.${column.name}`),
    );
    expect(narrow).toEqual([]);
  });

  it("the comparison notices a column, a default or an index on one side only", () => {
    const sqliteOne = sqliteTable("t", { id: sqliteText("id").primaryKey(), n: sqliteInteger("n").notNull().default(0) });
    const pgOne = pgTable("t", { id: pgText("id").primaryKey(), n: pgInteger("n").notNull().default(0) });
    expect(describePg(pgOne)).toEqual(describeSqlite(sqliteOne));

    const extraColumn = pgTable("t", { id: pgText("id").primaryKey(), n: pgInteger("n").notNull().default(0), extra: pgText("extra") });
    expect(describePg(extraColumn)).not.toEqual(describeSqlite(sqliteOne));
    const otherDefault = pgTable("t", { id: pgText("id").primaryKey(), n: pgInteger("n").notNull().default(1) });
    expect(describePg(otherDefault)).not.toEqual(describeSqlite(sqliteOne));
    const nullable = pgTable("t", { id: pgText("id").primaryKey(), n: pgInteger("n").default(0) });
    expect(describePg(nullable)).not.toEqual(describeSqlite(sqliteOne));
    const indexed = pgTable("t", { id: pgText("id").primaryKey(), n: pgInteger("n").notNull().default(0) }, (table) => [pgIndex("t_n").on(table.n)]);
    expect(describePg(indexed)).not.toEqual(describeSqlite(sqliteOne));
  });
});
