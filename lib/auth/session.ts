import "server-only";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth/config";
import { ApiError } from "@/lib/platform";
import { withErrors } from "./route";
import { refuseCrossSiteWrite, type BodyType } from "./request-guard";
import { findSessionUser, type PublicUser } from "./users";

/**
 * The signed-in user, read fresh from the database: a deleted user's cookie signs nobody in, nor
 * does one signed in before their password last changed (a reset ends every earlier session).
 */
export async function currentUser(): Promise<PublicUser | undefined> {
  const session = await auth();
  const id = session?.user?.id;
  return id ? await findSessionUser(id, session.signedInAt ?? 0) : undefined;
}

/** For pages and server actions: the signed-in user, or a redirect to sign-in. */
export async function requireUser(): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/**
 * Wraps an API route handler so it runs only with a signed-in user, and answers 401 JSON otherwise.
 * A state-changing request must also pass the CSRF guard (same origin, a JSON body unless the route
 * says it takes `accepts` other types): see refuseCrossSiteWrite. What the handler throws is
 * answered by withErrors: an ApiError as its status and body, anything else as a 500.
 */
export function withUser<Context>(
  handler: (request: Request, context: Context, user: PublicUser) => Promise<Response> | Response,
  options: { accepts?: readonly BodyType[] } = {},
): (request: Request, context: Context) => Promise<Response> {
  return withErrors(async (request: Request, context: Context) => {
    const refused = refuseCrossSiteWrite(request, options.accepts);
    if (refused) throw refused;
    const user = await currentUser();
    if (!user) throw new ApiError("unauthenticated", "Sign in first.");
    return handler(request, context, user);
  });
}
