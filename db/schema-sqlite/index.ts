/** The SQLite schema, one file per domain (db/schema-pg is its PostgreSQL twin); modules import tables from "@/db/schema". */
export * from "./auth";
export * from "./connections";
export * from "./webhooks";
export * from "./runs";
export * from "./agent";
export * from "./openapi";
export * from "./access-tokens";
export * from "./outbox";
export * from "./rate-limits";
