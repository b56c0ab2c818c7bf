import { sql } from "drizzle-orm";
import { integer } from "drizzle-orm/sqlite-core";

/** A row's creation time in milliseconds, set by the database. */
export const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
