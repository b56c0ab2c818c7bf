import { bigint, timestamp } from "drizzle-orm/pg-core";

/*
 * The PostgreSQL twin of db/schema: the same tables, columns, keys, defaults and indexes
 * (tests/unit/schema-parity.test.ts holds the two together). Column types are chosen so that a row
 * read through drizzle has the same JavaScript shape in both dialects:
 *   SQLite integer, mode timestamp_ms   -> timestamptz(3), mode date  (a Date, to the millisecond)
 *   SQLite integer holding epoch ms     -> bigint, mode number        (a number past 2^31)
 *   SQLite integer (counts, sizes, ms)  -> integer
 *   SQLite integer, mode boolean        -> boolean
 *   SQLite text, mode json              -> jsonb, with the same $type
 *   SQLite auto-increment integer id    -> bigint identity, mode number (and bigint where it is referenced)
 *   (unixepoch('subsec') * 1000)        -> now(),  '[]' -> '[]'::jsonb
 */

/** A point in time read as a Date, to the millisecond (SQLite: integer, mode timestamp_ms). */
export const timestampMs = <TName extends string>(name: TName) => timestamp(name, { mode: "date", precision: 3, withTimezone: true });

/** A row's creation time, set by the database. */
export const createdAt = () => timestampMs("created_at").notNull().defaultNow();

/** Milliseconds since the epoch read as a number (SQLite: plain integer); bigint because they pass 2^31. */
export const epochMs = <TName extends string>(name: TName) => bigint(name, { mode: "number" });

/**
 * An auto-increment id read as a number (SQLite: integer primary key autoincrement). "By default"
 * rather than "always", so an insert may still name the id, as SQLite allows.
 */
export const serialId = <TName extends string>(name: TName) => bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();

/** A column holding another table's serialId (SQLite: plain integer). */
export const serialRef = <TName extends string>(name: TName) => bigint(name, { mode: "number" });
