import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { env } from "@/lib/platform";
import { stampedClientAddress } from "./client-address";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "./login-throttle";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { auditPerson } from "./audit";
import { credentialsSchema } from "./schemas";
import { hasSecondFactor } from "./second-factor";
import { completeSignInChallenge, createSignInChallenge } from "./sign-in-challenge";
import { findUserById, findUserForSignIn, linkedUserId } from "./users";

/**
 * The client address. With TRUST_PROXY=true the app sits behind one reverse proxy that appends
 * the peer it saw to X-Forwarded-For, so the last entry is the client. Otherwise (and when a proxy
 * sent none) it is the socket's peer address, which server.ts stamps on every request; a client's
 * own X-Forwarded-For and X-Real-IP are ignored. Undefined only under `next start` alone.
 */
export function clientAddress(request: Request, trustProxy = env().TRUST_PROXY): string | undefined {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    const proxied = forwarded || request.headers.get("x-real-ip")?.trim();
    if (proxied) return proxied;
  }
  return stampedClientAddress(request.headers);
}

type SignedInUser = Pick<NonNullable<Awaited<ReturnType<typeof findUserForSignIn>>>, "id" | "name" | "email" | "image">;

/** `second_factor`: the password was right, and the person's code must follow with `challenge` (see signInWithCode). */
export type PasswordSignIn =
  { ok: true; user: SignedInUser } | { ok: false; reason: "invalid" | "throttled" } | { ok: false; reason: "second_factor"; challenge: string };

/**
 * The credentials sign-in: blocked per (address, email) and per address, slowed per email (see
 * login-throttle.ts); one generic failure. The email's delay is served before the password is
 * checked, so a guesser cannot give up early and read the answer from the timing.
 */
export async function signInWithPassword(input: unknown, request: Request, wait: (ms: number) => Promise<unknown> = sleep): Promise<PasswordSignIn> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const attempt = { address: clientAddress(request), email: parsed.data.email };
  const throttle = await checkLoginThrottle(attempt);
  if (!throttle.allowed) return { ok: false, reason: "throttled" };
  if (throttle.delayMs > 0) await wait(throttle.delayMs);
  const user = await findUserForSignIn(parsed.data.email);
  const valid = user?.passwordHash ? await verifyPassword(parsed.data.password, user.passwordHash) : await verifyAgainstDecoy(parsed.data.password);
  if (!user || !valid) {
    await recordLoginFailure(attempt);
    if (user) await auditPerson(user, "sign_in_failed");
    return { ok: false, reason: "invalid" };
  }
  await clearLoginFailures(attempt);
  if (await hasSecondFactor(user.id)) return { ok: false, reason: "second_factor", challenge: await createSignInChallenge(user.id, false) };
  await auditPerson(user, "sign_in");
  return { ok: true, user: { id: user.id, name: user.name, email: user.email, image: user.image } };
}

const challengeSchema = z.object({ challenge: z.string().min(1).max(100), code: z.string().max(100).optional() });

/** Whether sign-in input continues a challenge (a code after the password, or a sign-in the server made) rather than a password. */
export function isChallengeInput(input: unknown): boolean {
  return typeof input === "object" && input !== null && typeof (input as { challenge?: unknown }).challenge === "string";
}

export type CodeSignIn = { ok: true; user: SignedInUser } | { ok: false; reason: "invalid_code" | "expired" | "throttled" };

/**
 * The second step of a sign-in with a second factor: the challenge from the password step and a
 * code (TOTP or recovery). Also completes a verified challenge (no code) the server made itself.
 */
export async function signInWithCode(input: unknown): Promise<CodeSignIn> {
  const parsed = challengeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "expired" };
  const outcome = await completeSignInChallenge(parsed.data.challenge, parsed.data.code);
  if (!outcome.ok) return outcome;
  const user = await findUserById(outcome.userId);
  if (!user) return { ok: false, reason: "expired" };
  if (parsed.data.code !== undefined) await auditPerson(user, "sign_in", { secondFactor: true });
  return { ok: true, user: { id: user.id, name: user.name, email: user.email, image: user.image } };
}

/**
 * A sign-in for a person the server has just checked itself (their own password change ended
 * this session too): a verified challenge, for `signIn("credentials", { challenge })`.
 */
export function signInAgainChallenge(userId: string): Promise<string> {
  return createSignInChallenge(userId, true);
}

/**
 * Whether a sign-in provider's identity (GitHub) may sign in: one linked to a person may, unless
 * that person has a second factor (GitHub would skip the code: they sign in with password and
 * code); a new one when sign-up is open, or when it carries an open invite (lib/auth/invite-pass.ts)
 * whose address has no account yet (someone with an account signs in with it and opens the link;
 * "account_exists" says so).
 */
export async function providerSignInVerdict(
  provider: string,
  providerAccountId: string,
  allowSignup: boolean,
  invite?: { email: string },
): Promise<"allowed" | "refused" | "second_factor" | "account_exists"> {
  const userId = await linkedUserId(provider, providerAccountId);
  if (userId === undefined) {
    if (invite) return (await findUserForSignIn(invite.email)) ? "account_exists" : "allowed";
    return allowSignup ? "allowed" : "refused";
  }
  return (await hasSecondFactor(userId)) ? "second_factor" : "allowed";
}
