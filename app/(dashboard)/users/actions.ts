"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/config";
import { actionInput, userAction } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { signInAgainChallenge } from "@/lib/auth/sign-in";
import { newAccountSchema, newPasswordSchema } from "@/lib/auth/schemas";
import { AccountExistsError, changeOwnPassword, createLocalUser, removeUser, setPassword, setRole, UserChangeError } from "@/lib/auth/users";
import { ApiError } from "@/lib/platform/errors";
import { fieldErrors } from "@/lib/platform/issues";

export type CreateMemberState =
  { error?: string; created?: string; fieldErrors?: Record<string, string | undefined>; values?: { name: string; email: string } } | undefined;

export async function createMember(_previous: CreateMemberState, form: FormData): Promise<CreateMemberState> {
  const owner = await requireUser();
  if (owner.role !== "owner") return { error: "Only the owner can add people." };
  const parsed = newAccountSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  try {
    const user = await createLocalUser(parsed.data, "member");
    revalidatePath("/users");
    return { created: user.email ?? parsed.data.email };
  } catch (error) {
    if (error instanceof AccountExistsError) return { error: error.message, values };
    throw error;
  }
}

export type UserActionState = { ok?: string; error?: string } | undefined;

const userIdSchema = z.string().min(1).max(100);

/** Runs an owner-only change, turning the refusals a person can act on into messages. */
async function asOwner(change: (ownerId: string) => Promise<string> | string): Promise<UserActionState> {
  return userAction(
    async (owner) => {
      if (owner.role !== "owner") throw new ApiError("forbidden", "Only an owner can change people's accounts.");
      const ok = await change(owner.id);
      revalidatePath("/users");
      return { ok };
    },
    [UserChangeError],
  );
}

export async function changeRoleAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  const role = z.enum(["owner", "member"]).safeParse(form.get("role"));
  if (!userId.success || !role.success) return { error: "Choose owner or member." };
  return asOwner(async () => {
    await setRole(userId.data, role.data);
    return `Role changed to ${role.data}.`;
  });
}

export async function resetPasswordAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  const password = newPasswordSchema.safeParse(form.get("password"));
  if (!userId.success) return { error: "That person does not exist." };
  if (!password.success) return { error: password.error.issues[0]?.message ?? "Choose another password." };
  return asOwner(async () => {
    const revoked = await setPassword(userId.data, password.data);
    const tokens =
      revoked === 0 ? "They had no access tokens to revoke" : `Their ${revoked === 1 ? "access token was" : `${revoked} access tokens were`} revoked`;
    return `Password reset; they are signed out everywhere. ${tokens}. Share the password with them privately.`;
  });
}

export async function removeUserAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const userId = userIdSchema.safeParse(form.get("userId"));
  if (!userId.success) return { error: "That person does not exist." };
  return asOwner(async (ownerId) => {
    await removeUser(ownerId, userId.data);
    return "Removed, with their connections, deliveries and runs.";
  });
}

export async function changeOwnPasswordAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  return userAction(
    async (user) => {
      const password = actionInput(newPasswordSchema, form.get("newPassword"));
      if (form.get("newPassword") !== form.get("confirmPassword")) return { error: "The two new passwords differ." };
      const revokeTokens = form.get("revokeTokens") === "on";
      await changeOwnPassword(user.id, String(form.get("currentPassword") ?? ""), password, { revokeTokens });
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
  );
}
