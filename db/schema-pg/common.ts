/*
 * The column vocabulary of the table files, PostgreSQL's half: the same names as
 * db/schema-sqlite/common.ts (which lists what each is in both dialects), typed so that a row read
 * through drizzle has the same JavaScript shape as on SQLite. Every other file here is generated
 * from db/schema-sqlite by `npm run db:schema:pg`; this one is written by hand.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean as pgBoolean, doublePrecision, json, jsonb, timestamp } from "drizzle-orm/pg-core";

export { index, integer, primaryKey, pgTable as defineTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/** A point in time read as a Date, to the millisecond (SQLite: integer, mode timestamp_ms). */
export const timestampMs = <TName extends string>(name: TName) => timestamp(name, { mode: "date", precision: 3, withTimezone: true });

/** Milliseconds since the epoch read as a number (SQLite: plain integer); bigint because they pass 2^31. */
export const epochMs = <TName extends string>(name: TName) => bigint(name, { mode: "number" });

/** Seconds since the epoch read as a number (SQLite: plain integer); bigint so it outlives 2038. */
export const epochSeconds = <TName extends string>(name: TName) => bigint(name, { mode: "number" });

export const boolean = <TName extends string>(name: TName) => pgBoolean(name);

/** A JSON value (SQLite: text, mode json). */
export const jsonValue = <TName extends string>(name: TName) => jsonb(name);

/** A JSON value whose object keys keep their order: json, since jsonb sorts them. */
export const orderedJson = <TName extends string>(name: TName) => json(name);

export const double = <TName extends string>(name: TName) => doublePrecision(name);

/**
 * An auto-increment id read as a number (SQLite: integer primary key autoincrement). "By default"
 * rather than "always", so an insert may still name the id, as SQLite allows.
 */
export const serialId = <TName extends string>(name: TName) => bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();

/** A column holding another table's serialId (SQLite: plain integer). */
export const serialRef = <TName extends string>(name: TName) => bigint(name, { mode: "number" });

/** The database's clock as a default for a timestampMs column. */
export const dbNow = sql`now()`;

/** An empty JSON list as a SQL default. */
export const emptyJsonList = sql`'[]'::jsonb`;

/** A row's creation time, set by the database. */
export const createdAt = () => timestampMs("created_at").notNull().default(dbNow);
