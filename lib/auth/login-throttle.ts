import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { loginThrottle } from "@/db/schema";
import { env } from "@/lib/env";

const WINDOW_MS = 15 * 60 * 1000;
const FIRST_BLOCK_MS = 30 * 1000;
const MAX_BLOCK_MS = 15 * 60 * 1000;

/** The throttle is keyed by a hash of the client address, so the table holds no raw IPs. */
function throttleKey(clientAddress: string): string {
  return createHash("sha256").update(`login:${clientAddress}`).digest("hex");
}

export type ThrottleState = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function checkLoginThrottle(clientAddress: string, now = Date.now()): ThrottleState {
  const row = db().select().from(loginThrottle).where(eq(loginThrottle.key, throttleKey(clientAddress))).get();
  const blockedUntil = row?.blockedUntil?.getTime();
  if (blockedUntil && blockedUntil > now) {
    return { allowed: false, retryAfterSeconds: Math.ceil((blockedUntil - now) / 1000) };
  }
  return { allowed: true };
}

/**
 * After LOGIN_MAX_FAILURES failures inside 15 minutes, each further failure blocks the address for
 * twice as long as the last (30 s, 1 min, 2 min ... up to 15 min).
 */
export function recordLoginFailure(clientAddress: string, now = Date.now()): void {
  const key = throttleKey(clientAddress);
  const database = db();
  database.transaction((tx) => {
    const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    const fresh = !row || now - row.firstFailureAt.getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const excess = failures - env().LOGIN_MAX_FAILURES;
    const blockedUntil = excess >= 0 ? new Date(now + Math.min(FIRST_BLOCK_MS * 2 ** excess, MAX_BLOCK_MS)) : null;
    const values = { failures, firstFailureAt: fresh ? new Date(now) : row.firstFailureAt, blockedUntil };
    tx.insert(loginThrottle)
      .values({ key, ...values })
      .onConflictDoUpdate({ target: loginThrottle.key, set: values })
      .run();
  });
}

export function clearLoginFailures(clientAddress: string): void {
  db().delete(loginThrottle).where(eq(loginThrottle.key, throttleKey(clientAddress))).run();
}
