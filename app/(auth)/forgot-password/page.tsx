import type { Metadata } from "next";
import Link from "next/link";
import { mailConfigured } from "@/lib/mail";
import { ForgotPasswordForm } from "../forms";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="text-lg font-semibold">Forgot your password?</h1>
      {mailConfigured() ? (
        <>
          <p className="mb-5 mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Enter the email you sign in with, and we will mail you a link to choose a new password.
          </p>
          <ForgotPasswordForm />
        </>
      ) : (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          This instance does not send mail. Ask its owner to reset your password on the People page.
        </p>
      )}
      <p className="mt-5 text-center text-sm">
        <Link href="/sign-in" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Back to sign in
        </Link>
      </p>
    </>
  );
}
