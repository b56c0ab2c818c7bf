import NextAuth from "next-auth";
import { baseAuthConfig } from "@/lib/auth.config";
import { env } from "@/lib/env";

/**
 * First line of defence: pages redirect to sign-in and APIs answer 401 without a session cookie.
 * Every page and route still checks the session itself (lib/auth/session.ts).
 */
const { auth } = NextAuth(() => ({ ...baseAuthConfig, secret: env().AUTH_SECRET }));

export { auth as proxy };

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
