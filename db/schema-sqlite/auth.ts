import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { AdapterAccountType } from "next-auth/adapters";
import { createdAt } from "./common";

/** Auth.js user table (column names as @auth/drizzle-adapter expects), plus local-account fields. */
export const users = sqliteTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: integer("emailVerified", { mode: "timestamp_ms" }),
  image: text("image"),
  passwordHash: text("password_hash"),
  role: text("role", { enum: ["owner", "member"] }).notNull().default("member"),
  /** Sessions signed in before this time (ms since the epoch) no longer sign anyone in: set when the password changes. */
  sessionsValidFrom: integer("sessions_valid_from"),
  createdAt: createdAt(),
});

/**
 * Auth.js account table: links a user to a sign-in provider (GitHub sign-in). The sign-in
 * provider's tokens are never stored (see lib/auth.ts); connecting services lives elsewhere.
 */
export const accounts = sqliteTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").$type<AdapterAccountType>().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (account) => [primaryKey({ columns: [account.provider, account.providerAccountId] })],
);

/** Failed sign-in attempts per client address, to slow down password guessing. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  firstFailureAt: integer("first_failure_at", { mode: "timestamp_ms" }).notNull(),
  blockedUntil: integer("blocked_until", { mode: "timestamp_ms" }),
});
