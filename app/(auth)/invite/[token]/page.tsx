import type { Metadata } from "next";
import Link from "next/link";
import { findOpenInvite } from "@/lib/auth/invites";
import { currentPerson } from "@/lib/auth/session";
import { findUserForSignIn } from "@/lib/auth/users";
import { env } from "@/lib/platform/env";
import { AcceptInviteButton, JoinWithGitHubButton, NewPersonInviteForm } from "./forms";

export const metadata: Metadata = { title: "Join a workspace" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findOpenInvite(token);
  if (!invite) {
    return (
      <>
        <h1 className="mb-2 text-lg font-semibold">This invite does not work</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">It was used already, revoked, or has expired. Ask the person who invited you for a new link.</p>
      </>
    );
  }
  const person = await currentPerson();
  const heading = (
    <>
      <h1 className="mb-1 text-lg font-semibold">Join {invite.workspaceName}</h1>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        You are invited as <strong>{invite.role}</strong> ({invite.email}).
      </p>
    </>
  );
  if (person) {
    return (
      <>
        {heading}
        {(person.email ?? "").toLowerCase() === invite.email ? (
          <AcceptInviteButton token={token} />
        ) : (
          <p className="text-sm">
            You are signed in as {person.email}. This invite is for {invite.email}: sign out, then open this link again.
          </p>
        )}
      </>
    );
  }
  const existing = await findUserForSignIn(invite.email);
  return (
    <>
      {heading}
      {existing ? (
        <p className="text-sm">
          An account for {invite.email} exists.{" "}
          <Link className="underline" href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>
            Sign in to accept
          </Link>
          .
        </p>
      ) : (
        <>
          <NewPersonInviteForm token={token} email={invite.email} />
          {env().githubSignInEnabled && (
            <div className="mt-4 space-y-2">
              <p className="text-center text-xs text-zinc-500">or, without a password</p>
              <JoinWithGitHubButton token={token} />
            </div>
          )}
        </>
      )}
    </>
  );
}
