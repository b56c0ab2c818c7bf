import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert, Button } from "@/app/_components/ui";
import { currentUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";
import { mailConfigured } from "@/lib/mail";
import { env } from "@/lib/platform/env";
import { safeReturnPath } from "@/lib/platform/safe-redirect";
import { signInWithGitHub } from "../actions";
import { GENERIC_SIGN_IN_ERROR } from "../messages";
import { NewAccountForm, SignInForm } from "../forms";

export const metadata: Metadata = { title: "Sign in" };

/** Auth.js redirects here with ?error=... after a failed GitHub sign-in or a direct credentials POST. */
const errorMessages: Record<string, string> = {
  CredentialsSignin: GENERIC_SIGN_IN_ERROR,
  AccessDenied: "That GitHub account is not linked to a Patchbay user, and sign-up is closed.",
  OAuthAccountNotLinked: "An account with that email exists. Sign in with your password.",
  SecondFactorRequired: "Your account has two-factor sign-in: sign in with your email, password and code.",
  InviteAccountExists: "An account for the invited address exists already: sign in with it, then open the invite link again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);

  if ((await countUsers()) === 0) {
    return (
      <>
        <h1 className="text-lg font-semibold">Create the owner account</h1>
        <p className="mb-5 mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          This Patchbay has no users yet. The first account owns the instance and can add more people later.
        </p>
        <NewAccountForm kind="owner" />
      </>
    );
  }

  const error = typeof params.error === "string" ? (errorMessages[params.error] ?? "Sign-in failed. Try again.") : undefined;
  const config = env();
  return (
    <>
      <h1 className="mb-5 text-lg font-semibold">Sign in</h1>
      {params.reset === "done" && (
        <div className="mb-4">
          <Alert tone="success">Your password was changed. Sign in with the new one.</Alert>
        </div>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={error} />
      {mailConfigured() && (
        <p className="mt-3 text-right text-sm">
          <Link href="/forgot-password" className="text-indigo-600 hover:underline dark:text-indigo-400">
            Forgot password?
          </Link>
        </p>
      )}
      {config.githubSignInEnabled && (
        <form action={signInWithGitHub} className="mt-3">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" variant="secondary" className="w-full">
            Sign in with GitHub
          </Button>
        </form>
      )}
      {config.ALLOW_SIGNUP && (
        <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
          New here?{" "}
          <Link href="/sign-up" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Create an account
          </Link>
        </p>
      )}
    </>
  );
}
