import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/platform/env";
import { checkAuthorizationRequest } from "@/lib/mcp/auth/authorization";
import { authorizationErrorPage } from "@/lib/mcp/auth/error-page";
import { requestNonce } from "@/lib/platform/security-headers";

/**
 * The authorization endpoint, open without a session (lib/auth/public-paths.ts) so that a request
 * is checked before anyone is sent to sign in: a bad one is answered here with 400 and the reason,
 * never redirected to the client nor through sign-in. A good one goes on to sign-in if needed,
 * then to the consent page; the client hears back only from there, after the person decides.
 */
export async function GET(request: Request): Promise<Response> {
  const { search, searchParams } = new URL(request.url);
  const check = await checkAuthorizationRequest(searchParams);
  if (check.kind === "error") return authorizationErrorPage(check, requestNonce(request.headers));
  const appUrl = env().APP_URL;
  if (!(await currentUser())) {
    const signIn = new URL("/sign-in", appUrl);
    signIn.searchParams.set("callbackUrl", `/oauth/authorize${search}`);
    return Response.redirect(signIn, 302);
  }
  return Response.redirect(new URL(`/oauth/authorize/consent${search}`, appUrl), 302);
}
