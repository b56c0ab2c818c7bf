// Generated from db/schema-sqlite/auth.ts by `npm run db:schema:pg`: edit that file, not this one.
import type { AdapterAccountType } from "next-auth/adapters";
import { createdAt, defineTable, epochMs, epochSeconds, integer, primaryKey, text, timestampMs } from "./common";

/** Auth.js user table (column names as @auth/drizzle-adapter expects), plus local-account fields. */
export const users = defineTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: timestampMs("emailVerified"),
  image: text("image"),
  passwordHash: text("password_hash"),
  role: text("role", { enum: ["owner", "member"] })
    .notNull()
    .default("member"),
  /** Sessions signed in before this time (ms since the epoch) no longer sign anyone in: set when the password changes. */
  sessionsValidFrom: epochMs("sessions_valid_from"),
  createdAt: createdAt(),
});

/**
 * Auth.js account table: links a user to a sign-in provider (GitHub sign-in). The sign-in
 * provider's tokens are never stored (see lib/auth.ts); connecting services lives elsewhere.
 */
export const accounts = defineTable(
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
    /** Epoch seconds (Auth.js). */
    expires_at: epochSeconds("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (account) => [primaryKey({ columns: [account.provider, account.providerAccountId] })],
);

/** Failed sign-in attempts per client address, to slow down password guessing. */
export const loginThrottle = defineTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  firstFailureAt: timestampMs("first_failure_at").notNull(),
  blockedUntil: timestampMs("blocked_until"),
});
