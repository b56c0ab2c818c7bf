/** The database schema, one file per domain; every module imports it from "@/db/schema". */
export * from "./auth";
export * from "./connections";
export * from "./webhooks";
export * from "./runs";
export * from "./agent";
export * from "./openapi";
export * from "./access-tokens";
export * from "./outbox";
