import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { affectedRows, db } from "@/db/client";
import { signInChallenges } from "@/db/schema";
import { checkSecondFactorCode } from "./second-factor";

/** How long the code may take after the password was right. */
const CODE_STEP_TTL_MS = 5 * 60 * 1000;
/** How long a sign-in the server made itself (after a password change) waits for Auth.js. */
const VERIFIED_TTL_MS = 60 * 1000;
/** Wrong codes one challenge takes before it is gone and the password is asked again. */
const MAX_ATTEMPTS = 5;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A sign-in half done, held by the browser as a random token (only its hash is stored):
 * `verified` false waits for the person's second-factor code; true means the server checked
 * everything and Auth.js only makes the session.
 */
export async function createSignInChallenge(userId: string, verified: boolean, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db()
    .delete(signInChallenges)
    .where(lt(signInChallenges.expiresAt, new Date(now)));
  await db()
    .insert(signInChallenges)
    .values({ tokenHash: hashToken(token), userId, verified, expiresAt: new Date(now + (verified ? VERIFIED_TTL_MS : CODE_STEP_TTL_MS)) });
  return token;
}

export type ChallengeOutcome = { ok: true; userId: string } | { ok: false; reason: "expired" | "invalid_code" | "throttled" };

/**
 * Completes a sign-in: a verified challenge as it is, an unverified one with a right code (TOTP or
 * recovery). Single-use: taken by a delete, so two requests with one token cannot both sign in.
 */
export async function completeSignInChallenge(token: string, code: string | undefined, now = Date.now()): Promise<ChallengeOutcome> {
  if (!token || token.length > 100) return { ok: false, reason: "expired" };
  const tokenHash = hashToken(token);
  const live = and(eq(signInChallenges.tokenHash, tokenHash), gt(signInChallenges.expiresAt, new Date(now)));
  const [challenge] = await db().select().from(signInChallenges).where(live).limit(1);
  if (!challenge) return { ok: false, reason: "expired" };
  if (!challenge.verified) {
    const check = await checkSecondFactorCode(challenge.userId, code ?? "", now);
    if (check !== "ok") {
      const counted = await db()
        .update(signInChallenges)
        .set({ attempts: sql`${signInChallenges.attempts} + 1` })
        .where(live)
        .returning({ attempts: signInChallenges.attempts });
      if ((counted[0]?.attempts ?? MAX_ATTEMPTS) >= MAX_ATTEMPTS) await db().delete(signInChallenges).where(eq(signInChallenges.tokenHash, tokenHash));
      return { ok: false, reason: check === "invalid" ? "invalid_code" : check };
    }
  }
  const taken = await db().delete(signInChallenges).where(live);
  return affectedRows(taken) === 1 ? { ok: true, userId: challenge.userId } : { ok: false, reason: "expired" };
}
