import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";
import { env } from "@/lib/platform/env";
import { NewAccountForm } from "../forms";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  if (await currentUser()) redirect("/");
  if ((await countUsers()) === 0) redirect("/sign-in");
  if (!env().ALLOW_SIGNUP) notFound();
  return (
    <>
      <h1 className="mb-5 text-lg font-semibold">Create an account</h1>
      <NewAccountForm kind="signup" />
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        Have an account?{" "}
        <Link href="/sign-in" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign in
        </Link>
      </p>
    </>
  );
}
