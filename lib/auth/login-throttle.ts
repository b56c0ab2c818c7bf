import "server-only";
import { createHash } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { db } from "@/db/client";
import { loginThrottle } from "@/db/schema";
import { env } from "@/lib/env";

const WINDOW_MS = 15 * 60 * 1000;
const FIRST_BLOCK_MS = 30 * 1000;
const MAX_BLOCK_MS = 15 * 60 * 1000;

/**
 * One sign-in attempt: the email tried and, when it can be known, the client address (undefined
 * when the address cannot be trusted: no TRUST_PROXY and no socket address in a route handler).
 */
export type SignInAttempt = { address: string | undefined; email: string };

type Bucket = { key: string; limit: number };

/** Keys are hashes, so the table holds no raw IPs or emails. */
function hashKey(parts: string): string {
  return createHash("sha256").update(parts).digest("hex");
}

/**
 * Two buckets per attempt. The (address, email) pair gets LOGIN_MAX_FAILURES; without a known
 * address every client shares one constant address, so guessing one account's password is still
 * limited. The address alone gets a higher limit, which stops one client from spraying guesses
 * over many emails; it is skipped when the address is unknown, so one stranger cannot lock
 * everybody out.
 */
function buckets(attempt: SignInAttempt): Bucket[] {
  const config = env();
  const email = attempt.email.trim().toLowerCase();
  const pair: Bucket = { key: hashKey(`login:${attempt.address ?? "unknown"}:${email}`), limit: config.LOGIN_MAX_FAILURES };
  if (!attempt.address) return [pair];
  const perAddress = config.LOGIN_MAX_FAILURES_PER_ADDRESS ?? config.LOGIN_MAX_FAILURES * 4;
  return [pair, { key: hashKey(`login-address:${attempt.address}`), limit: perAddress }];
}

export type ThrottleState = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function checkLoginThrottle(attempt: SignInAttempt, now = Date.now()): ThrottleState {
  const keys = buckets(attempt).map((bucket) => bucket.key);
  const rows = db().select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
  const blockedUntil = Math.max(0, ...rows.map((row) => row.blockedUntil?.getTime() ?? 0));
  if (blockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((blockedUntil - now) / 1000) };
  return { allowed: true };
}

/**
 * Counts a failure in each bucket. After a bucket's limit inside 15 minutes, each further failure
 * blocks it for twice as long as the last (30 s, 1 min, 2 min ... up to 15 min).
 */
export function recordLoginFailure(attempt: SignInAttempt, now = Date.now()): void {
  const database = db();
  database.transaction((tx) => {
    for (const { key, limit } of buckets(attempt)) {
      const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
      const fresh = !row || now - row.firstFailureAt.getTime() > WINDOW_MS;
      const failures = fresh ? 1 : row.failures + 1;
      const excess = failures - limit;
      const blockedUntil = excess >= 0 ? new Date(now + Math.min(FIRST_BLOCK_MS * 2 ** excess, MAX_BLOCK_MS)) : null;
      const values = { failures, firstFailureAt: fresh ? new Date(now) : row.firstFailureAt, blockedUntil };
      tx.insert(loginThrottle)
        .values({ key, ...values })
        .onConflictDoUpdate({ target: loginThrottle.key, set: values })
        .run();
    }
  });
}

/**
 * A successful sign-in clears the failures for this (address, email) pair only: the address's own
 * count stays, so signing in to one account does not reset guessing at the others.
 */
export function clearLoginFailures(attempt: SignInAttempt): void {
  const [pair] = buckets(attempt);
  db().delete(loginThrottle).where(eq(loginThrottle.key, pair!.key)).run();
}
