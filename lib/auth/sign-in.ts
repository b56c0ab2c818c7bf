import "server-only";
import { env } from "@/lib/env";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from "./login-throttle";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { credentialsSchema } from "./schemas";
import { findUserForSignIn } from "./users";

/**
 * The client address, when it can be trusted. With TRUST_PROXY=true the app sits behind one
 * reverse proxy that appends the peer it saw to X-Forwarded-For, so the last entry is the client.
 * Without it, X-Forwarded-For and X-Real-IP are whatever the client sent and are ignored; a route
 * handler's Request carries no socket address, so the answer is undefined and the throttle falls
 * back to a constant bucket per email.
 */
export function clientAddress(request: Request, trustProxy = env().TRUST_PROXY): string | undefined {
  if (!trustProxy) return undefined;
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || request.headers.get("x-real-ip")?.trim() || undefined;
}

export type PasswordSignIn =
  | { ok: true; user: Pick<NonNullable<ReturnType<typeof findUserForSignIn>>, "id" | "name" | "email" | "image"> }
  | { ok: false; reason: "invalid" | "throttled" };

/** The credentials sign-in: throttled per (address, email) and per address; one generic failure. */
export async function signInWithPassword(input: unknown, request: Request): Promise<PasswordSignIn> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const attempt = { address: clientAddress(request), email: parsed.data.email };
  if (!checkLoginThrottle(attempt).allowed) return { ok: false, reason: "throttled" };
  const user = findUserForSignIn(parsed.data.email);
  const valid = user?.passwordHash
    ? await verifyPassword(parsed.data.password, user.passwordHash)
    : await verifyAgainstDecoy(parsed.data.password);
  if (!user || !valid) {
    recordLoginFailure(attempt);
    return { ok: false, reason: "invalid" };
  }
  clearLoginFailures(attempt);
  return { ok: true, user: { id: user.id, name: user.name, email: user.email, image: user.image } };
}
