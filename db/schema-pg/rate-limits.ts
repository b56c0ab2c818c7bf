import { doublePrecision, pgTable, text } from "drizzle-orm/pg-core";

/**
 * Outbound rate limits shared by every process (lib/http/shared-rate-limit.ts): per key (provider
 * and connection), the theoretical arrival time of the next request (GCRA), in milliseconds since
 * the epoch on the database's clock, with the fraction (an interval of 1000/3 ms stays exact).
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  tat: doublePrecision("tat").notNull(),
});
