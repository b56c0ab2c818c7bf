import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/auth/public-paths";
import { env } from "@/lib/env";

/**
 * First line of defence: without a valid session token, pages redirect to sign-in and APIs answer
 * 401. It only reads the token (it never re-issues the cookie, which would undo a sign-out), and
 * every page and route still checks the session itself (lib/auth/session.ts).
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next();
  const forwardedProto = request.headers.get("x-forwarded-proto");
  const secureCookie = (forwardedProto ?? request.nextUrl.protocol.replace(":", "")) === "https";
  const token = await getToken({ req: request, secret: env().AUTH_SECRET, secureCookie });
  if (token?.sub) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return Response.json({ error: { code: "unauthenticated", message: "Sign in first." } }, { status: 401 });
  }
  const signIn = new URL("/sign-in", request.nextUrl);
  signIn.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
