/**
 * The PostgreSQL schema, one file per domain like db/schema (SQLite), with the same table, column
 * and index names; drizzle.pg.config.ts generates db/migrations-pg from it.
 */
export * from "./auth";
export * from "./connections";
export * from "./webhooks";
export * from "./runs";
export * from "./agent";
export * from "./openapi";
export * from "./access-tokens";
export * from "./outbox";
export * from "./rate-limits";
