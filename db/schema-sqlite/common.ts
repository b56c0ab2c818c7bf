/*
 * The column vocabulary of the table files, SQLite's half. The table files (every file here but this
 * one) are written once, here, and copied to db/schema-pg by `npm run db:schema:pg`
 * (scripts/db-schema-pg.ts says why a generated twin); they import their builders only from this
 * file, and db/schema-pg/common.ts gives the same names PostgreSQL's types. Each name reads the same
 * JavaScript value in both dialects:
 *   timestampMs   integer, mode timestamp_ms      | timestamptz(3), mode date   (a Date, to the ms)
 *   epochMs       integer                         | bigint, mode number         (past 2^31)
 *   epochSeconds  integer                         | bigint, mode number         (past 2038)
 *   integer       integer                         | integer                     (counts, sizes, ms)
 *   boolean       integer, mode boolean           | boolean
 *   jsonValue     text, mode json                 | jsonb
 *   orderedJson   text, mode json                 | json (jsonb sorts object keys)
 *   double        real                            | double precision
 *   serialId      integer primary key autoincr.   | bigint identity, mode number
 *   serialRef     integer                         | bigint, mode number         (holds a serialId)
 *   dbNow         (unixepoch('subsec') * 1000)    | now()
 *   emptyJsonList '[]'                            | '[]'::jsonb
 */
import { sql } from "drizzle-orm";
import { integer, real, text } from "drizzle-orm/sqlite-core";

export { index, integer, primaryKey, sqliteTable as defineTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A point in time read as a Date, to the millisecond. */
export const timestampMs = <TName extends string>(name: TName) => integer(name, { mode: "timestamp_ms" });

/** Milliseconds since the epoch read as a number. */
export const epochMs = <TName extends string>(name: TName) => integer(name);

/** Seconds since the epoch read as a number. */
export const epochSeconds = <TName extends string>(name: TName) => integer(name);

export const boolean = <TName extends string>(name: TName) => integer(name, { mode: "boolean" });

/** A JSON value; PostgreSQL stores it as jsonb. */
export const jsonValue = <TName extends string>(name: TName) => text(name, { mode: "json" });

/** A JSON value whose object keys keep their order; PostgreSQL stores it as json, not jsonb. */
export const orderedJson = <TName extends string>(name: TName) => text(name, { mode: "json" });

export const double = <TName extends string>(name: TName) => real(name);

/** An auto-increment id read as a number. */
export const serialId = <TName extends string>(name: TName) => integer(name).primaryKey({ autoIncrement: true });

/** A column holding another table's serialId. */
export const serialRef = <TName extends string>(name: TName) => integer(name);

/** The database's clock as a default for a timestampMs column. */
export const dbNow = sql`(unixepoch('subsec') * 1000)`;

/** An empty JSON list as a SQL default. */
export const emptyJsonList = sql`'[]'`;

/** A row's creation time, set by the database. */
export const createdAt = () => timestampMs("created_at").notNull().default(dbNow);
