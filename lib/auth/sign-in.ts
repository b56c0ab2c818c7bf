import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { env } from "@/lib/platform";
import { stampedClientAddress } from "./client-address";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "./login-throttle";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { auditPerson } from "./audit";
import { credentialsSchema } from "./schemas";
import { findUserForSignIn } from "./users";

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

export type PasswordSignIn =
  | { ok: true; user: Pick<NonNullable<Awaited<ReturnType<typeof findUserForSignIn>>>, "id" | "name" | "email" | "image"> }
  | { ok: false; reason: "invalid" | "throttled" };

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
  await auditPerson(user, "sign_in");
  return { ok: true, user: { id: user.id, name: user.name, email: user.email, image: user.image } };
}
