import type { Metadata } from "next";
import Link from "next/link";
import { findPasswordReset } from "@/lib/auth/password-reset";
import { ResetPasswordForm } from "../forms";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** Where a mailed reset link lands. Opening it does not use it up: only setting the password does. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  const reset = typeof token === "string" ? await findPasswordReset(token) : undefined;
  if (!reset || typeof token !== "string") {
    return (
      <>
        <h1 className="text-lg font-semibold">This link does not work</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">It has expired (links work for 30 minutes) or was already used.</p>
        <p className="mt-5 text-center text-sm">
          <Link href="/forgot-password" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Ask for a new link
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="text-lg font-semibold">Choose a new password</h1>
      <p className="mb-5 mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        For {reset.email}. Setting it signs you out everywhere and revokes your access tokens.
      </p>
      <ResetPasswordForm token={token} email={reset.email ?? ""} />
    </>
  );
}
