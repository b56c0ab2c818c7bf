// Generated from db/schema-sqlite/index.ts by `npm run db:schema:pg`: edit that file, not this one.
/**
 * The tables, one file per domain, written once: db/schema-pg is generated from these files (`npm
 * run db:schema:pg`), and each dialect gives the column vocabulary of its common.ts its own types.
 * Modules import tables from "@/db/schema"; drizzle-kit generates db/migrations and db/migrations-pg.
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
export * from "./workspaces";
export * from "./account-security";
export * from "./automations";
