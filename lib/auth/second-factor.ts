import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { affectedRows, db, transaction } from "@/db/client";
import { recoveryCodes, secondFactors, signInChallenges, users } from "@/db/schema";
import { keyRing, seal, unseal } from "@/lib/crypto";
import { attemptAllowed, clearAttempts, countAttempt, type AttemptLimit } from "./attempt-limit";
import { verifyPassword } from "./password";
import { atLeast, membershipsOf, roleIn, type WorkspaceRole } from "./workspaces";

/**
 * TOTP (RFC 6238) as every authenticator app reads it: SHA-1, 6 digits, 30-second steps, one step
 * of clock drift either way. The secret is sealed at rest with the person's id as associated data.
 */
const ISSUER = "Patchbay";
const PERIOD = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

/** Wrong codes (TOTP or recovery) per person in 15 minutes before codes are refused for the rest of the window. */
const codeLimit = (userId: string): AttemptLimit => ({ key: `second-factor:${userId}`, limit: 10, windowMs: 15 * 60 * 1000 });

export class SecondFactorError extends Error {
  override name = "SecondFactorError";
}

const sealContext = (userId: string) => ({ table: "second_factors", column: "secret", id: userId });

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });
}

function hashCode(code: string): string {
  return createHash("sha256").update(`recovery:${code}`).digest("hex");
}

/** Recovery codes as shown: four groups of four from an alphabet without look-alikes (80 random bits). */
function newRecoveryCode(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(16);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join("");
  return characters.match(/.{4}/g)!.join("-");
}

/** A typed recovery code as stored: lower case, without the dashes and spaces people add or drop. */
function normalRecoveryCode(code: string): string {
  const plain = code.toLowerCase().replace(/[\s-]/g, "");
  return plain.match(/.{1,4}/g)?.join("-") ?? "";
}

/** Whether the person signs in with a second factor (an enrolment still waiting for its first code does not count). */
export async function hasSecondFactor(userId: string): Promise<boolean> {
  const [row] = await db()
    .select({ userId: secondFactors.userId })
    .from(secondFactors)
    .where(and(eq(secondFactors.userId, userId), isNotNull(secondFactors.confirmedAt)))
    .limit(1);
  return row !== undefined;
}

export type SecondFactorStatus = { enabled: boolean; recoveryCodesLeft: number };

export async function secondFactorStatus(userId: string): Promise<SecondFactorStatus> {
  const enabled = await hasSecondFactor(userId);
  if (!enabled) return { enabled, recoveryCodesLeft: 0 };
  const [row] = await db().select({ value: count() }).from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  return { enabled, recoveryCodesLeft: row?.value ?? 0 };
}

export type Enrolment = { uri: string; secret: string; qrCode: string };

/**
 * Starts (or starts over) setting up a second factor: a new secret, shown once as an otpauth://
 * URI, its QR code (an SVG data URL) and the secret itself for typing in. It guards nothing until
 * confirmEnrolment has seen a code from it. Refused while one is on: turn it off first.
 */
export async function beginEnrolment(userId: string, label: string): Promise<Enrolment> {
  if (await hasSecondFactor(userId)) throw new SecondFactorError("Two-factor sign-in is already on. Turn it off first to set up a new authenticator.");
  // The code is asked after the password, and GitHub sign-in is refused once it is on: without a password there would be no way in.
  const [person] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (!person?.passwordHash) throw new SecondFactorError("Set a password first (above): two-factor sign-in asks for the code after your password.");
  const secret = new Secret({ size: 20 }).base32;
  const sealed = seal(keyRing(), secret, sealContext(userId));
  await db()
    .insert(secondFactors)
    .values({ userId, secret: sealed, confirmedAt: null, lastUsedStep: null })
    .onConflictDoUpdate({ target: secondFactors.userId, set: { secret: sealed, confirmedAt: null, lastUsedStep: null } });
  const uri = totpFor(secret, label).toString();
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { uri, secret, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/**
 * Checks a TOTP code against the person's secret and takes it: its time step is recorded, so the
 * same code (or an earlier one) is refused afterwards, even by another process at the same moment.
 */
async function takeTotpCode(userId: string, code: string, confirmed: boolean, now: number): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const [row] = await db()
    .select({ secret: secondFactors.secret })
    .from(secondFactors)
    .where(and(eq(secondFactors.userId, userId), confirmed ? isNotNull(secondFactors.confirmedAt) : isNull(secondFactors.confirmedAt)))
    .limit(1);
  if (!row) return false;
  const totp = totpFor(unseal(keyRing(), row.secret, sealContext(userId)), "");
  const delta = totp.validate({ token: code, timestamp: now, window: DRIFT_STEPS });
  if (delta === null) return false;
  const step = totp.counter({ timestamp: now }) + delta;
  const taken = await db()
    .update(secondFactors)
    .set({ lastUsedStep: step })
    .where(and(eq(secondFactors.userId, userId), or(isNull(secondFactors.lastUsedStep), lt(secondFactors.lastUsedStep, step))));
  return affectedRows(taken) === 1;
}

async function takeRecoveryCode(userId: string, code: string): Promise<boolean> {
  const normal = normalRecoveryCode(code);
  if (normal.length !== 19) return false;
  const used = await db()
    .delete(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashCode(normal))));
  return affectedRows(used) === 1;
}

export type CodeCheck = "ok" | "invalid" | "throttled";

/**
 * Checks a code the person typed for their second factor: a TOTP code, or one of their recovery
 * codes (used up). Wrong codes are counted per person; past the limit every code is refused until
 * the window ends, so guessing six digits stays out of reach.
 */
export async function checkSecondFactorCode(userId: string, code: string, now = Date.now()): Promise<CodeCheck> {
  const limit = codeLimit(userId);
  if (!(await attemptAllowed(limit, now))) return "throttled";
  const typed = code.trim();
  const ok = /^\d{6}$/.test(typed.replace(/\s/g, "")) ? await takeTotpCode(userId, typed.replace(/\s/g, ""), true, now) : await takeRecoveryCode(userId, typed);
  if (ok) {
    await clearAttempts(limit);
    return "ok";
  }
  await countAttempt(limit, now);
  return "invalid";
}

/** Makes a fresh set of recovery codes, replacing any earlier set; answers them (shown once, stored hashed). */
async function replaceRecoveryCodes(userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await transaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: hashCode(code) })));
  });
  return codes;
}

/**
 * Finishes setting up: the first code from the authenticator proves it holds the secret. Turns the
 * second factor on and answers the recovery codes, to be shown once.
 */
export async function confirmEnrolment(userId: string, code: string, now = Date.now()): Promise<string[]> {
  const limit = codeLimit(userId);
  if (!(await attemptAllowed(limit, now))) throw new SecondFactorError("Too many wrong codes. Wait a few minutes, then try again.");
  if (!(await takeTotpCode(userId, code.replace(/\s/g, ""), false, now))) {
    await countAttempt(limit, now);
    throw new SecondFactorError("That code is not right. Enter the 6-digit code your authenticator app shows now.");
  }
  await db()
    .update(secondFactors)
    .set({ confirmedAt: new Date(now) })
    .where(eq(secondFactors.userId, userId));
  return replaceRecoveryCodes(userId);
}

/** New recovery codes for someone whose second factor is on, after a current code; the old ones stop working. */
export async function regenerateRecoveryCodes(userId: string, code: string, now = Date.now()): Promise<string[]> {
  const check = await checkSecondFactorCode(userId, code, now);
  if (check !== "ok") throw new SecondFactorError(refusal(check));
  return replaceRecoveryCodes(userId);
}

function refusal(check: Exclude<CodeCheck, "ok">): string {
  return check === "throttled" ? "Too many wrong codes. Wait a few minutes, then try again." : "That code is not right.";
}

/**
 * Turns the second factor off, with its recovery codes and any sign-in waiting for a code. Asks
 * for proof: a current code (or a recovery code), or the password.
 */
export async function disableSecondFactor(userId: string, proof: { code?: string; password?: string }, now = Date.now()): Promise<void> {
  if (!(await hasSecondFactor(userId))) throw new SecondFactorError("Two-factor sign-in is not on.");
  if (proof.code?.trim()) {
    const check = await checkSecondFactorCode(userId, proof.code, now);
    if (check !== "ok") throw new SecondFactorError(refusal(check));
  } else {
    const [row] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
    if (!row?.passwordHash || !proof.password || !(await verifyPassword(proof.password, row.passwordHash)))
      throw new SecondFactorError("Enter a current code from your authenticator, or your password.");
  }
  await removeSecondFactor(userId);
}

/**
 * Removes a person's second factor, recovery codes and any sign-in waiting for a code, without
 * proof: for an admin helping someone who lost their authenticator (the caller checks that right,
 * see turnOffSecondFactorFor in workspaces' people actions). False when none was on.
 */
export async function removeSecondFactor(userId: string): Promise<boolean> {
  const wasOn = await hasSecondFactor(userId);
  await transaction(async (tx) => {
    await tx.delete(secondFactors).where(eq(secondFactors.userId, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.delete(signInChallenges).where(eq(signInChallenges.userId, userId));
  });
  return wasOn;
}

/**
 * An admin turns off the second factor of someone in their workspace who lost their authenticator
 * (they set up a new one at their next sign-in if the workspace requires it). An owner's (of any
 * workspace, or of the instance) only an owner may turn off; one's own is turned off with proof
 * on the account page. Answers whether one was on.
 */
export async function turnOffSecondFactorFor(workspaceId: string, actor: { id: string; role: WorkspaceRole }, targetId: string): Promise<boolean> {
  if (!atLeast(actor.role, "admin")) throw new SecondFactorError("Only admins and owners can turn off someone's two-factor sign-in.");
  if (targetId === actor.id) throw new SecondFactorError("Turn off your own two-factor sign-in on your account page.");
  if (!(await roleIn(targetId, workspaceId))) throw new SecondFactorError("That person is not in this workspace.");
  const [target] = await db().select({ role: users.role }).from(users).where(eq(users.id, targetId)).limit(1);
  const ownsSomething = target?.role === "owner" || (await membershipsOf(targetId)).some((membership) => membership.role === "owner");
  if (ownsSomething && actor.role !== "owner") throw new SecondFactorError("Only an owner can turn off an owner's two-factor sign-in.");
  return removeSecondFactor(targetId);
}
