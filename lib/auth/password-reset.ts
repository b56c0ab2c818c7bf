import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import { db } from "@/db/client";
import { passwordResets, users } from "@/db/schema";
import { mailConfigured, sendMail } from "@/lib/mail";
import { env, log } from "@/lib/platform";
import { countAttempt, type AttemptLimit } from "./attempt-limit";
import { addressBucket } from "./client-address";
import { passwordWeakness } from "./password-strength";
import { emailSchema } from "./schemas";
import { setPassword } from "./users";

/** How long a mailed link works. */
export const RESET_LINK_TTL_MS = 30 * 60 * 1000;
const WINDOW_MS = 60 * 60 * 1000;

/** Requests from one address (whatever the email) per hour: stops one client from mailing everyone. */
const perAddress = (address: string): AttemptLimit => ({ key: `reset-address:${addressBucket(address)}`, limit: 10, windowMs: WINDOW_MS });
/** Mails to one address per hour, from any client: stops anyone from flooding a person's inbox. */
const perEmail = (email: string): AttemptLimit => ({ key: `reset-email:${email}`, limit: 3, windowMs: WINDOW_MS });

export class PasswordResetError extends Error {
  override name = "PasswordResetError";
}

const EXPIRED = "This reset link has expired or was already used. Ask for a new one.";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Counts a "forgot password" request from a client address and answers whether it is allowed.
 * Says nothing about the email, so its answer is the same whether an account exists or not.
 * Without an address (only under `next start` alone) every request shares one count.
 */
export async function resetRequestAllowed(address: string | undefined, now = Date.now()): Promise<boolean> {
  return countAttempt(perAddress(address ?? "unknown"), now);
}

export type ResetOutcome = "sent" | "no_account" | "too_many_for_email" | "mail_not_configured" | "invalid_email";

/**
 * Mails a single-use link that sets a new password, when the email belongs to a person. Run after
 * the answer to the browser has gone (which never says which of these happened), so its duration
 * says nothing either. The outcome is for tests and the log.
 */
export async function sendPasswordReset(emailInput: string, now = Date.now()): Promise<ResetOutcome> {
  const parsed = emailSchema.safeParse(emailInput);
  if (!parsed.success) return "invalid_email";
  if (!mailConfigured()) return "mail_not_configured";
  const email = parsed.data;
  if (!(await countAttempt(perEmail(email), now))) return "too_many_for_email";
  const [user] = await db().select({ id: users.id, name: users.name }).from(users).where(eq(users.email, email)).limit(1);
  if (!user) return "no_account";
  await db()
    .delete(passwordResets)
    .where(and(eq(passwordResets.userId, user.id), lt(passwordResets.expiresAt, new Date(now))));
  const token = randomBytes(32).toString("base64url");
  await db()
    .insert(passwordResets)
    .values({ tokenHash: hashToken(token), userId: user.id, expiresAt: new Date(now + RESET_LINK_TTL_MS) });
  const link = `${env().APP_URL}/reset-password?token=${token}`;
  const greeting = user.name ? `Hello ${user.name},` : "Hello,";
  await sendMail({
    to: email,
    subject: "Reset your Patchbay password",
    text: [
      greeting,
      "",
      "Someone (we hope you) asked to reset the password of your Patchbay account. Open this link within 30 minutes to choose a new one:",
      "",
      link,
      "",
      "The link works once. If you did not ask for it, ignore this mail: your password stays as it is.",
    ].join("\n"),
    html: `<p>${escapeHtml(greeting)}</p><p>Someone (we hope you) asked to reset the password of your Patchbay account. Open this link within 30 minutes to choose a new one:</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>The link works once. If you did not ask for it, ignore this mail: your password stays as it is.</p>`,
  });
  log.info("password reset mailed", { userId: user.id });
  return "sent";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Whose reset a link is, while it still works (the page shows the form only then; opening it does not use it up). */
export async function findPasswordReset(token: string, now = Date.now()): Promise<{ userId: string; email: string | null } | undefined> {
  if (!token || token.length > 100) return undefined;
  const [row] = await db()
    .select({ userId: passwordResets.userId, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, new Date(now))))
    .limit(1);
  return row && { userId: row.userId, email: row.email };
}

/**
 * Sets the new password a mailed link was for: checked for strength first (the link stays usable
 * while the person picks a better one), then the link is used up, with every other link of theirs,
 * and the password set, which ends all their sessions and revokes their access tokens. The second
 * factor stays: a mailbox alone does not get anyone in.
 */
export async function resetPasswordWithToken(token: string, password: string, now = Date.now()): Promise<{ userId: string }> {
  const reset = await findPasswordReset(token, now);
  if (!reset) throw new PasswordResetError(EXPIRED);
  const [person] = await db().select({ name: users.name }).from(users).where(eq(users.id, reset.userId)).limit(1);
  const weakness = passwordWeakness(password, [reset.email ?? "", person?.name ?? ""]);
  if (weakness) throw new PasswordResetError(weakness);
  const used = await db()
    .delete(passwordResets)
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, new Date(now))))
    .returning({ userId: passwordResets.userId });
  if (used.length === 0) throw new PasswordResetError(EXPIRED);
  await db().delete(passwordResets).where(eq(passwordResets.userId, reset.userId));
  await setPassword(reset.userId, password);
  log.info("password reset by mailed link", { userId: reset.userId });
  return { userId: reset.userId };
}
