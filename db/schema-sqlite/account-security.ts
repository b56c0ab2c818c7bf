import { users } from "./auth";
import { boolean, createdAt, defineTable, index, integer, text, timestampMs } from "./common";

/**
 * A "forgot password" link mailed to a person: single-use, expiring. Only the SHA-256 of the
 * token in the link is kept (the token carries 256 random bits), so the table cannot be read back
 * into working links.
 */
export const passwordResets = defineTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestampMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("password_resets_user").on(table.userId)],
);

/**
 * A person's TOTP second factor (RFC 6238). The shared secret is sealed (lib/crypto); a row
 * without `confirmedAt` is an enrolment waiting for its first code and does not guard sign-in.
 * `lastUsedStep` is the time step of the last code accepted, so a code is not taken twice.
 */
export const secondFactors = defineTable("second_factors", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  confirmedAt: timestampMs("confirmed_at"),
  lastUsedStep: integer("last_used_step"),
  createdAt: createdAt(),
});

/** One-time recovery codes of a second factor, as SHA-256 hashes; a code is deleted when used. */
export const recoveryCodes = defineTable(
  "recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (table) => [index("recovery_codes_user").on(table.userId)],
);

/**
 * A sign-in half done: the password was right and the second factor is still to come
 * (`verified` false), or everything was checked by the server itself and Auth.js only has to make
 * the session (`verified` true: signing in again after a password change). Short-lived,
 * single-use, kept as the SHA-256 of the token the browser holds; `attempts` counts wrong codes.
 */
export const signInChallenges = defineTable(
  "sign_in_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    verified: boolean("verified").notNull().default(false),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestampMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("sign_in_challenges_user").on(table.userId)],
);
