import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

/** Replaces Next's default 404 page, whose inline <style> element has no nonce and breaks the page policy. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <Link href="/" className="mb-2 flex items-center gap-2 font-semibold tracking-tight">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src="/icon.svg" alt="" width={28} height={28} />
        Patchbay
      </Link>
      <p className="text-sm font-medium text-indigo-700 dark:text-indigo-400">404</p>
      <h1 className="text-lg font-semibold">This page could not be found.</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">The address may be mistyped, or what it pointed to is gone or not yours.</p>
      <Link href="/" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Back to the overview
      </Link>
    </main>
  );
}
