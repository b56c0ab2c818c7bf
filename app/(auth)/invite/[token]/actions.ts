"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { actorOf, audit } from "@/lib/auth/audit";
import { signIn } from "@/lib/auth/config";
import { carryInvite } from "@/lib/auth/invite-pass";
import { acceptInvite, findOpenInvite, InviteError } from "@/lib/auth/invites";
import { newPasswordSchema } from "@/lib/auth/schemas";
import { currentPerson, lookAtWorkspace } from "@/lib/auth/session";
import { AccountExistsError, createLocalUser } from "@/lib/auth/users";
import { env } from "@/lib/platform/env";
import { fieldErrors } from "@/lib/platform/issues";

export type InviteFormState = { error?: string; fieldErrors?: Record<string, string | undefined>; values?: { name: string } } | undefined;

const newPersonSchema = z.object({ name: z.string().trim().min(1, "Enter your name.").max(100), password: newPasswordSchema });

/** Someone new: the account is made with the invited address and the password they choose, then they join and are signed in. */
export async function acceptAsNewPerson(token: string, _previous: InviteFormState, form: FormData): Promise<InviteFormState> {
  const invite = await findOpenInvite(token);
  if (!invite) return { error: "This invite link is not valid any more: it was used, revoked or has expired. Ask for a new one." };
  const parsed = newPersonSchema.safeParse({ name: form.get("name"), password: form.get("password") });
  const values = { name: String(form.get("name") ?? "") };
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  let person;
  try {
    person = await createLocalUser({ name: parsed.data.name, email: invite.email, password: parsed.data.password }, "member", false, null);
    await acceptInvite(token, person);
  } catch (error) {
    if (error instanceof AccountExistsError) return { error: `An account for ${invite.email} exists already: sign in and open this link again.`, values };
    if (error instanceof InviteError) return { error: error.message, values };
    throw error;
  }
  await audit({ workspaceId: invite.workspaceId, actor: actorOf(person), action: "invite_accepted", target: invite.email, detail: { role: invite.role } });
  await lookAtWorkspace(invite.workspaceId);
  try {
    await signIn("credentials", { email: invite.email, password: parsed.data.password, redirectTo: "/" });
  } catch (error) {
    if (error instanceof AuthError) redirect("/sign-in");
    throw error;
  }
  return undefined;
}

/** Someone signed in with the invited address joins with one click. */
export async function acceptAsSignedIn(token: string): Promise<InviteFormState> {
  const person = await currentPerson();
  if (!person) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`);
  let invite;
  try {
    invite = await acceptInvite(token, person);
  } catch (error) {
    if (error instanceof InviteError) return { error: error.message };
    throw error;
  }
  await audit({ workspaceId: invite.workspaceId, actor: actorOf(person), action: "invite_accepted", target: invite.email, detail: { role: invite.role } });
  await lookAtWorkspace(invite.workspaceId);
  redirect("/");
}

/**
 * Someone new joins by signing in with GitHub: the invite rides through the round trip in a
 * short-lived sealed cookie (lib/auth/invite-pass.ts); the sign-in callback lets this new GitHub
 * identity in, makes the person with the invited address and joins them to the workspace.
 */
export async function acceptWithGitHub(token: string): Promise<InviteFormState> {
  if (!env().githubSignInEnabled) return { error: "Signing in with GitHub is not set up on this instance." };
  const invite = await findOpenInvite(token);
  if (!invite) return { error: "This invite link is not valid any more: it was used, revoked or has expired. Ask for a new one." };
  await carryInvite(token);
  await signIn("github", { redirectTo: "/" });
  return undefined;
}
