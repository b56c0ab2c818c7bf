import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { db, transaction } from "@/db/client";
import { loginThrottle } from "@/db/schema";
import { lockForTransaction } from "@/db/sql/transaction-lock";

/**
 * A fixed-window count per key, for what is not a password sign-in but must not be tried too
 * often: "forgot password" requests, second-factor codes. Kept in the sign-in throttle's table
 * under a hash of the key (no addresses, emails or ids in it), so every process agrees.
 */
export type AttemptLimit = { key: string; limit: number; windowMs: number };

function hashKey(key: string): string {
  return createHash("sha256").update(`attempt:${key}`).digest("hex");
}

/** Whether another attempt is allowed now, without counting one. */
export async function attemptAllowed({ key, limit, windowMs }: AttemptLimit, now = Date.now()): Promise<boolean> {
  const [row] = await db()
    .select()
    .from(loginThrottle)
    .where(eq(loginThrottle.key, hashKey(key)))
    .limit(1);
  return !row || now - row.firstFailureAt.getTime() > windowMs || row.failures < limit;
}

/** Counts an attempt; answers whether it was within the limit (the first `limit` in a window are). */
export async function countAttempt({ key, limit, windowMs }: AttemptLimit, now = Date.now()): Promise<boolean> {
  const hashed = hashKey(key);
  return transaction(async (tx) => {
    await lockForTransaction(`attempt-limit:${hashed}`);
    const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.key, hashed)).limit(1);
    const fresh = !row || now - row.firstFailureAt.getTime() > windowMs;
    const values = { failures: fresh ? 1 : row.failures + 1, firstFailureAt: fresh ? new Date(now) : row.firstFailureAt, blockedUntil: null };
    await tx
      .insert(loginThrottle)
      .values({ key: hashed, ...values })
      .onConflictDoUpdate({ target: loginThrottle.key, set: values });
    return values.failures <= limit;
  });
}

export async function clearAttempts({ key }: AttemptLimit): Promise<void> {
  await db()
    .delete(loginThrottle)
    .where(eq(loginThrottle.key, hashKey(key)));
}
