"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/config";
import { actionInput, userAction } from "@/lib/auth/action";
import { actorOf, audit, auditPerson } from "@/lib/auth/audit";
import { createInvite, InviteError, mailInvite, revokeInvite } from "@/lib/auth/invites";
import { lookAtWorkspace, type Member, requireUser } from "@/lib/auth/session";
import { SecondFactorError, turnOffSecondFactorFor } from "@/lib/auth/second-factor";
import { signInAgainChallenge } from "@/lib/auth/sign-in";
import { newAccountSchema, newPasswordSchema } from "@/lib/auth/schemas";
import { AccountExistsError, changeOwnPassword, createLocalUser, findUserById, setPassword, UserChangeError } from "@/lib/auth/users";
import { atLeast, createWorkspace, MembershipError, removeMember, roleIn, setMemberRole, updateWorkspace, workspaceRoles } from "@/lib/auth/workspaces";
import { ApiError } from "@/lib/platform/errors";
import { fieldErrors } from "@/lib/platform/issues";

export type CreateMemberState =
  { error?: string; created?: string; fieldErrors?: Record<string, string | undefined>; values?: { name: string; email: string } } | undefined;

/** An admin adds someone with a password they pass on (the alternative to an invite): the person joins this workspace as a member. */
export async function createMember(_previous: CreateMemberState, form: FormData): Promise<CreateMemberState> {
  const admin = await requireUser();
  if (!atLeast(admin.role, "admin")) return { error: "Only admins and owners can add people." };
  const parsed = newAccountSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  try {
    const user = await createLocalUser(parsed.data, "member", false, { workspaceId: admin.workspaceId, role: "member" });
    await audit({
      workspaceId: admin.workspaceId,
      actor: actorOf(admin),
      action: "member_added",
      target: user.email ?? parsed.data.email,
      detail: { role: "member" },
    });
    revalidatePath("/users");
    return { created: user.email ?? parsed.data.email };
  } catch (error) {
    if (error instanceof AccountExistsError) return { error: error.message, values };
    throw error;
  }
}

export type UserActionState = { ok?: string; error?: string } | undefined;

const userIdSchema = z.string().min(1).max(100);

/** Runs an admin's change to the workspace's people, turning the refusals a person can act on into messages. */
async function asAdmin(change: (admin: Member) => Promise<string> | string): Promise<UserActionState> {
  return userAction(
    async (admin) => {
      const ok = await change(admin);
      revalidatePath("/users");
      return { ok };
    },
    [UserChangeError, MembershipError, InviteError, SecondFactorError],
    "admin",
  );
}

async function personLabel(userId: string): Promise<string> {
  const person = await findUserById(userId);
  return person?.email ?? person?.name ?? userId;
}

export async function changeRoleAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  const role = z.enum(workspaceRoles).safeParse(form.get("role"));
  if (!userId.success || !role.success) return { error: "Choose owner, admin, member or viewer." };
  return asAdmin(async (admin) => {
    await setMemberRole(admin.workspaceId, admin.role, userId.data, role.data);
    await audit({
      workspaceId: admin.workspaceId,
      actor: actorOf(admin),
      action: "role_changed",
      target: await personLabel(userId.data),
      detail: { role: role.data },
    });
    return `Role changed to ${role.data}.`;
  });
}

/** The instance owner's reset of someone's password (passwords are per instance, not per workspace). */
export async function resetPasswordAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  const password = newPasswordSchema.safeParse(form.get("password"));
  if (!userId.success) return { error: "That person does not exist." };
  if (!password.success) return { error: password.error.issues[0]?.message ?? "Choose another password." };
  return asAdmin(async (admin) => {
    if (!admin.instanceOwner) throw new ApiError("forbidden", "Only the instance's owner can reset someone's password.");
    if (!(await roleIn(userId.data, admin.workspaceId))) throw new ApiError("not_found", "That person is not in this workspace.");
    const revoked = await setPassword(userId.data, password.data);
    await audit({ workspaceId: admin.workspaceId, actor: actorOf(admin), action: "password_reset", target: await personLabel(userId.data) });
    const tokens =
      revoked === 0 ? "They had no access tokens to revoke" : `Their ${revoked === 1 ? "access token was" : `${revoked} access tokens were`} revoked`;
    return `Password reset; they are signed out everywhere. ${tokens}. Share the password with them privately.`;
  });
}

/** Takes someone out of this workspace; their account and personal connections stay theirs. */
export async function removeUserAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  if (!userId.success) return { error: "That person does not exist." };
  return asAdmin(async (admin) => {
    if (userId.data === admin.id) throw new MembershipError("You cannot remove yourself.");
    const label = await personLabel(userId.data);
    await removeMember(admin.workspaceId, admin.role, userId.data);
    await audit({ workspaceId: admin.workspaceId, actor: actorOf(admin), action: "member_removed", target: label });
    return `${label} is no longer in this workspace.`;
  });
}

/** An admin turns off the second factor of someone who lost their authenticator (an owner's: owners only). */
export async function turnOffSecondFactorAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  if (!userId.success) return { error: "That person does not exist." };
  return asAdmin(async (admin) => {
    const wasOn = await turnOffSecondFactorFor(admin.workspaceId, admin, userId.data);
    if (!wasOn) return "Two-factor sign-in was not on.";
    await audit({
      workspaceId: admin.workspaceId,
      actor: actorOf(admin),
      action: "second_factor_disabled",
      target: await personLabel(userId.data),
      detail: { by: "admin" },
    });
    return "Two-factor sign-in turned off: they can sign in with their password and set up a new authenticator.";
  });
}

export type InviteState = { ok?: string; link?: string; error?: string } | undefined;

const inviteSchema = z.object({ email: z.email("Enter the address to invite.").max(320), role: z.enum(workspaceRoles) });

/** Invites an address with a role: the link is shown once to copy, and emailed when SMTP is configured. */
export async function inviteAction(_previous: InviteState, form: FormData): Promise<InviteState> {
  return userAction(
    async (admin) => {
      const { email, role } = actionInput(inviteSchema, { email: form.get("email"), role: form.get("role") });
      if (role === "owner" && admin.role !== "owner") throw new ApiError("forbidden", "Only an owner can invite an owner.");
      const invite = await createInvite(admin.workspaceId, admin.id, email, role);
      await audit({ workspaceId: admin.workspaceId, actor: actorOf(admin), action: "invite_created", target: email.toLowerCase(), detail: { role } });
      let mailed = false;
      try {
        mailed = await mailInvite(email, invite.url, admin, role);
      } catch (error) {
        return { error: `The invite was made but the mail could not be sent (${(error as Error).message}). Copy the link instead.`, link: invite.url };
      }
      revalidatePath("/users");
      return {
        ok: mailed ? `Invite emailed to ${email}. The link below works once, for 7 days.` : `Copy this link to ${email}: it works once, for 7 days.`,
        link: invite.url,
      };
    },
    [InviteError],
    "admin",
  );
}

export async function revokeInviteAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const inviteId = userIdSchema.safeParse(form.get("inviteId"));
  if (!inviteId.success) return { error: "That invite does not exist." };
  return asAdmin(async (admin) => {
    const email = await revokeInvite(admin.workspaceId, inviteId.data);
    if (!email) throw new InviteError("That invite is not pending.");
    await audit({ workspaceId: admin.workspaceId, actor: actorOf(admin), action: "invite_revoked", target: email });
    return `The invite for ${email} no longer works.`;
  });
}

const settingsSchema = z.object({ name: z.string().trim().min(1, "Name the workspace.").max(80), requireSecondFactor: z.boolean() });

/** Sets whether everyone in the workspace must use a second factor (admins), and renames it (owners). */
export async function workspaceSettingsAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  return userAction(
    async (owner) => {
      const parsed = actionInput(settingsSchema, {
        name: form.get("name") ?? owner.workspaceName,
        requireSecondFactor: form.get("requireSecondFactor") === "on",
      });
      const change = owner.role === "owner" ? parsed : { requireSecondFactor: parsed.requireSecondFactor };
      await updateWorkspace(owner.workspaceId, change);
      await audit({ workspaceId: owner.workspaceId, actor: actorOf(owner), action: "workspace_updated", target: owner.workspaceName, detail: change });
      revalidatePath("/", "layout");
      return { ok: "Saved." };
    },
    [],
    "admin",
  );
}

/** A new workspace with its maker as owner (the instance's owner makes workspaces), looked at from then on. */
export async function createWorkspaceAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const result = await userAction(
    async (owner) => {
      if (!owner.instanceOwner) throw new ApiError("forbidden", "Only the instance's owner can create workspaces.");
      const name = actionInput(settingsSchema.shape.name, form.get("name"));
      const workspaceId = await createWorkspace(name, owner.id);
      await audit({ workspaceId, actor: actorOf(owner), action: "workspace_created", target: name });
      await lookAtWorkspace(workspaceId);
      return { ok: `Created ${name}.` };
    },
    [],
    "viewer",
  );
  if ("error" in result && result.error) return result;
  redirect("/users");
}

export async function changeOwnPasswordAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  return userAction(
    async (user) => {
      const password = actionInput(newPasswordSchema, form.get("newPassword"));
      if (form.get("newPassword") !== form.get("confirmPassword")) return { error: "The two new passwords differ." };
      const revokeTokens = form.get("revokeTokens") === "on";
      await changeOwnPassword(user.id, String(form.get("currentPassword") ?? ""), password, { revokeTokens });
      await auditPerson(user, "password_changed", { revokeTokens });
      // The change ended every session signed in before it, this one too: sign this one in again,
      // as the person just proved who they are (no second-factor code asked again).
      try {
        await signIn("credentials", { challenge: await signInAgainChallenge(user.id), redirect: false });
      } catch (error) {
        if (error instanceof AuthError) redirect("/sign-in"); // e.g. the sign-in throttle: sign in by hand
        throw error;
      }
      // A redirect, not a re-render of this page: that render would still read the old session
      // from this request and send the person to sign-in; the next request carries the new one.
      redirect(revokeTokens ? "/account?password=changed&tokens=revoked" : "/account?password=changed");
    },
    [UserChangeError],
    "own account",
  );
}
