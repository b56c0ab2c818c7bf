import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import { db } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { env } from "@/lib/platform";
import { authLogger } from "./auth-log";
import { carriedInvite, invitedEmail, joinCarriedInvite } from "./invite-pass";
import { isChallengeInput, providerSignInVerdict, signInWithCode, signInWithPassword } from "./sign-in";

declare module "next-auth" {
  interface Session {
    /** When this session signed in (ms since the epoch; 0 for sessions from before it was recorded). */
    signedInAt?: number;
  }
}

export class InvalidCredentials extends CredentialsSignin {
  override code = "invalid";
}

export class TooManyAttempts extends CredentialsSignin {
  override code = "throttled";
}

/**
 * The password was right and the person has a second factor: the sign-in form asks for the code
 * and sends it back with `challenge`. The challenge travels on this error to the server action
 * that called signIn; the redirect of a direct POST carries only the code "second_factor".
 */
export class SecondFactorRequired extends CredentialsSignin {
  override code = "second_factor";
  constructor(readonly challenge: string) {
    super();
  }
}

export class InvalidCode extends CredentialsSignin {
  override code = "invalid_code";
}

/** The code step took too long, or too many wrong codes: start again with the password. */
export class ChallengeExpired extends CredentialsSignin {
  override code = "expired";
}

/**
 * Signing in with GitHub identifies a Patchbay user; it is not a service connection, so the
 * sign-in provider's tokens are dropped instead of stored. A person made while carrying an open
 * invite (lib/auth/invite-pass.ts) gets the invited address, as the password path gives it.
 */
function adapterWithoutTokens(): Adapter {
  const adapter = DrizzleAdapter(db(), { usersTable: users, accountsTable: accounts });
  return {
    ...adapter,
    createUser: async (user) => {
      const email = await invitedEmail();
      return adapter.createUser!(email ? { ...user, email } : user);
    },
    linkAccount: (account) => adapter.linkAccount!({ ...account, access_token: undefined, refresh_token: undefined, id_token: undefined }),
  };
}

/** Credentials are a password, or a challenge from the password step with the person's code. */
async function authorizeWithCredentials(input: unknown, request: Request) {
  if (isChallengeInput(input)) {
    const result = await signInWithCode(input);
    if (result.ok) return result.user;
    throw result.reason === "throttled" ? new TooManyAttempts() : result.reason === "invalid_code" ? new InvalidCode() : new ChallengeExpired();
  }
  const result = await signInWithPassword(input, request);
  if (result.ok) return result.user;
  if (result.reason === "second_factor") throw new SecondFactorRequired(result.challenge);
  throw result.reason === "throttled" ? new TooManyAttempts() : new InvalidCredentials();
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = env();
  return {
    trustHost: true,
    secret: config.AUTH_SECRET,
    logger: authLogger,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    adapter: adapterWithoutTokens(),
    providers: [
      Credentials({
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          challenge: { type: "hidden" },
          code: { label: "Code", type: "text" },
        },
        authorize: authorizeWithCredentials,
      }),
      ...(config.githubSignInEnabled
        ? [
            GitHub({
              clientId: config.AUTH_GITHUB_ID,
              clientSecret: config.AUTH_GITHUB_SECRET,
              authorization: { url: `${config.GITHUB_BASE_URL}/login/oauth/authorize`, params: { scope: "read:user user:email" } },
              token: `${config.GITHUB_BASE_URL}/login/oauth/access_token`,
              userinfo: `${config.GITHUB_API_URL}/user`,
            }),
          ]
        : []),
    ],
    callbacks: {
      jwt({ token, user }) {
        // `user` is there only when signing in: when that happened stays in the token for its life.
        if (user?.id) {
          token.sub = user.id;
          token.signedInAt = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.signedInAt = typeof token.signedInAt === "number" ? token.signedInAt : 0;
        return session;
      },
      async signIn({ account }) {
        if (!account || account.provider === "credentials") return true;
        const verdict = await providerSignInVerdict(account.provider, account.providerAccountId, config.ALLOW_SIGNUP, await carriedInvite());
        if (verdict === "second_factor") return "/sign-in?error=SecondFactorRequired";
        if (verdict === "account_exists") return "/sign-in?error=InviteAccountExists";
        return verdict === "allowed";
      },
    },
    events: {
      // A GitHub sign-in that carried an invite joins its workspace (once), whether the person is new or not.
      async signIn({ user, account }) {
        if (account && account.provider !== "credentials" && user.id) await joinCarriedInvite(user.id);
      },
    },
  };
});
