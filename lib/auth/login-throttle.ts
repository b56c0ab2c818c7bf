import "server-only";
import { createHash } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { db, transaction } from "@/db/client";
import { loginThrottle } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";
import { env } from "@/lib/platform";
import { addressBucket } from "./client-address";

const WINDOW_MS = 15 * 60 * 1000;
const FIRST_BLOCK_MS = 30 * 1000;
const MAX_BLOCK_MS = 15 * 60 * 1000;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 16 * 1000;

/**
 * One sign-in attempt: the email tried and the client address (undefined only when the process
 * is not served by server.ts and TRUST_PROXY is off, so nothing tells who the client is).
 */
export type SignInAttempt = { address: string | undefined; email: string };

/** A bucket either blocks (answers "throttled" for a while) or only slows every attempt down. */
type Bucket = { key: string; limit: number; effect: "block" | "slow" };

/** Keys are hashes, so the table holds no raw IPs or emails. */
function hashKey(parts: string): string {
  return createHash("sha256").update(parts).digest("hex");
}

/**
 * Up to three buckets per attempt:
 * - (address, email), LOGIN_MAX_FAILURES: blocks one client guessing one account.
 * - address, LOGIN_MAX_FAILURES_PER_ADDRESS (4 x LOGIN_MAX_FAILURES): blocks one client spraying
 *   guesses over many emails.
 * - email, LOGIN_MAX_FAILURES, from any address: never blocks, since then anyone could lock the
 *   owner out from anywhere; it delays every attempt on that email by a growing amount instead,
 *   which slows guessing from many addresses while the owner still gets in.
 * Without an address only the email bucket applies.
 */
function buckets(attempt: SignInAttempt): Bucket[] {
  const config = env();
  const email = attempt.email.trim().toLowerCase();
  const perEmail: Bucket = { key: hashKey(`login-email:${email}`), limit: config.LOGIN_MAX_FAILURES, effect: "slow" };
  if (!attempt.address) return [perEmail];
  const address = addressBucket(attempt.address);
  const perAddress = config.LOGIN_MAX_FAILURES_PER_ADDRESS ?? config.LOGIN_MAX_FAILURES * 4;
  return [
    { key: hashKey(`login:${address}:${email}`), limit: config.LOGIN_MAX_FAILURES, effect: "block" },
    { key: hashKey(`login-address:${address}`), limit: perAddress, effect: "block" },
    perEmail,
  ];
}

/** Allowed attempts may still have to wait `delayMs` first (the email's growing delay). */
export type ThrottleState = { allowed: true; delayMs: number } | { allowed: false; retryAfterSeconds: number };

export async function checkLoginThrottle(attempt: SignInAttempt, now = Date.now()): Promise<ThrottleState> {
  const all = buckets(attempt);
  const rows = await db()
    .select()
    .from(loginThrottle)
    .where(
      inArray(
        loginThrottle.key,
        all.map((bucket) => bucket.key),
      ),
    );
  const blockedUntil = Math.max(0, ...rows.map((row) => row.blockedUntil?.getTime() ?? 0));
  if (blockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((blockedUntil - now) / 1000) };
  let delayMs = 0;
  for (const bucket of all.filter((candidate) => candidate.effect === "slow")) {
    const row = rows.find((candidate) => candidate.key === bucket.key);
    if (!row || now - row.firstFailureAt.getTime() > WINDOW_MS) continue;
    const excess = row.failures - bucket.limit;
    if (excess >= 0) delayMs = Math.max(delayMs, Math.min(FIRST_DELAY_MS * 2 ** excess, MAX_DELAY_MS));
  }
  return { allowed: true, delayMs };
}

/**
 * Counts a failure in each bucket. After a blocking bucket's limit inside 15 minutes, each further
 * failure blocks it for twice as long as the last (30 s, 1 min, 2 min ... up to 15 min). The
 * email bucket's delay grows the same way (1 s, 2 s, 4 s ... up to 16 s).
 */
export async function recordLoginFailure(attempt: SignInAttempt, now = Date.now()): Promise<void> {
  await transaction(async (tx) => {
    // Buckets always in the same order (pair, address, email), so two attempts cannot deadlock.
    for (const { key, limit, effect } of buckets(attempt)) {
      await lockForTransaction(`login-throttle:${key}`);
      const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).limit(1);
      const fresh = !row || now - row.firstFailureAt.getTime() > WINDOW_MS;
      const failures = fresh ? 1 : row.failures + 1;
      const excess = failures - limit;
      const blockedUntil = effect === "block" && excess >= 0 ? new Date(now + Math.min(FIRST_BLOCK_MS * 2 ** excess, MAX_BLOCK_MS)) : null;
      const values = { failures, firstFailureAt: fresh ? new Date(now) : row.firstFailureAt, blockedUntil };
      await tx
        .insert(loginThrottle)
        .values({ key, ...values })
        .onConflictDoUpdate({ target: loginThrottle.key, set: values });
    }
  });
}

/**
 * A successful sign-in clears the failures for this (address, email) pair only: the address's own
 * count stays, so signing in to one account does not reset guessing at the others, and the email's
 * delay stays, so a guesser elsewhere is not sped up again by the owner signing in.
 */
export async function clearLoginFailures(attempt: SignInAttempt): Promise<void> {
  const pair = attempt.address ? buckets(attempt)[0] : undefined;
  if (pair) await db().delete(loginThrottle).where(eq(loginThrottle.key, pair.key));
}
