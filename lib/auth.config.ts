import type { NextAuthConfig } from "next-auth";

/** Paths reachable without a session: sign-in itself, Auth.js's own routes, health and webhook intake. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname === "/sign-up" ||
    pathname === "/api/health" ||
    pathname.startsWith("/api/auth/") ||
    pathname === "/api/webhooks" ||
    pathname.startsWith("/api/webhooks/")
  );
}

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy (which only
 * reads the session cookie) and the full configuration in lib/auth.ts.
 */
export const baseAuthConfig = {
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [],
  callbacks: {
    authorized({ auth, request }) {
      const { pathname, search } = request.nextUrl;
      if (isPublicPath(pathname) || auth?.user) return true;
      if (pathname.startsWith("/api/")) {
        return Response.json({ error: { code: "unauthenticated", message: "Sign in first." } }, { status: 401 });
      }
      const signIn = new URL("/sign-in", request.nextUrl);
      signIn.searchParams.set("callbackUrl", pathname + search);
      return Response.redirect(signIn);
    },
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;
