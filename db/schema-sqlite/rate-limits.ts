import { defineTable, double, text } from "./common";

/**
 * Outbound rate limits shared by every process (lib/http/shared-rate-limit.ts): per key (provider
 * and connection), the theoretical arrival time of the next request (GCRA), in milliseconds since
 * the epoch on the database's clock, with the fraction (an interval of 1000/3 ms stays exact).
 * Used on PostgreSQL only; SQLite's one process keeps its token buckets in memory, and the table
 * stays empty there (it exists so the two schemas stay twins).
 */
export const rateLimits = defineTable("rate_limits", {
  key: text("key").primaryKey(),
  tat: double("tat").notNull(),
});
