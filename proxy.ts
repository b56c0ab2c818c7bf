import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/auth/public-paths";
import { env } from "@/lib/platform/env";
import { API_POLICY, isPagePath, isWellFormedPath, newNonce, pagePolicy, securityHeaders } from "@/lib/platform/security-headers";

/**
 * First line of defence: without a valid session token, pages redirect to sign-in and APIs answer
 * 401. It only reads the token (it never re-issues the cookie, which would undo a sign-out), and
 * every page and route still checks the session itself (lib/auth/session.ts). Every answer that
 * passes here carries the security headers (lib/platform/security-headers.ts).
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const config = env();
  const { pathname } = request.nextUrl;
  const page = isPagePath(pathname);
  const policy = page ? pagePolicy(newNonce(), { pathname, development: config.NODE_ENV === "development" }) : API_POLICY;
  const response = await answer(request, page ? policy : undefined);
  for (const [name, value] of securityHeaders(policy, { https: new URL(config.APP_URL).protocol === "https:" })) response.headers.set(name, value);
  return response;
}

/** `pagePolicy` goes on to the render as a request header: Next.js takes the nonce for its scripts from it. */
async function answer(request: NextRequest, pagePolicy: string | undefined): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  if (!isWellFormedPath(pathname)) {
    const message = "The address has a malformed percent-encoding.";
    if (pathname.startsWith("/api/")) return Response.json({ error: { code: "bad_request", message } }, { status: 400 });
    return new Response(message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (!isPublicPath(pathname)) {
    const forwardedProto = request.headers.get("x-forwarded-proto");
    const secureCookie = (forwardedProto ?? request.nextUrl.protocol.replace(":", "")) === "https";
    const token = await getToken({ req: request, secret: env().AUTH_SECRET, secureCookie });
    if (!token?.sub) {
      if (pathname.startsWith("/api/")) {
        return Response.json({ error: { code: "unauthenticated", message: "Sign in first." } }, { status: 401 });
      }
      const signIn = new URL("/sign-in", request.nextUrl);
      signIn.searchParams.set("callbackUrl", pathname + search);
      return NextResponse.redirect(signIn);
    }
  }
  if (!pagePolicy) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", pagePolicy);
  return NextResponse.next({ request: { headers } });
}

/**
 * Every path but static files, and the two OpenAPI import routes: Next buffers the body of every
 * request the proxy runs on, cut at 10 MB (experimental.proxyClientMaxBodySize), and a description
 * may be 40 MB. Those routes check the session themselves (withUser), read their bodies with their
 * own cap, and put on the security headers (lib/platform/security-headers.ts withApiSecurityHeaders).
 */
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|api/openapi/preview|api/openapi/imports).*)"],
};
