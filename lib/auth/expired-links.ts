import "server-only";
import { lt } from "drizzle-orm";
import { affectedRows, db } from "@/db/client";
import { passwordResets, signInChallenges } from "@/db/schema";

/** Deletes reset links and sign-in challenges past their expiry (they no longer work); answers how many. */
export async function sweepExpiredSignInLinks(now = Date.now()): Promise<number> {
  const resets = await db()
    .delete(passwordResets)
    .where(lt(passwordResets.expiresAt, new Date(now)));
  const challenges = await db()
    .delete(signInChallenges)
    .where(lt(signInChallenges.expiresAt, new Date(now)));
  return affectedRows(resets) + affectedRows(challenges);
}
