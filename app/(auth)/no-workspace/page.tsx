import type { Metadata } from "next";
import { signOutAction } from "@/app/(dashboard)/actions";

export const metadata: Metadata = { title: "No workspace" };

/** Where a signed-in person lands when they belong to no workspace (removed from their last one, or not yet invited). */
export default function NoWorkspacePage() {
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold">You are not in a workspace</h1>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Your account works, but no workspace has you as a member. Ask an admin of your team for an invite link, then open it while signed in.
      </p>
      <form action={signOutAction}>
        <button type="submit" className="text-sm underline">
          Sign out
        </button>
      </form>
    </>
  );
}
