"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionInput, userAction } from "@/lib/auth/action";
import { auditPerson } from "@/lib/auth/audit";
import { beginEnrolment, confirmEnrolment, disableSecondFactor, regenerateRecoveryCodes, SecondFactorError, type Enrolment } from "@/lib/auth/second-factor";

/** What the two-factor panel shows after an action: a new enrolment, recovery codes to keep (shown once), a message. */
export type TwoFactorState = { enrolment?: Enrolment; recoveryCodes?: string[]; ok?: string; error?: string } | undefined;

const codeSchema = z.string().trim().min(1, { message: "Enter the code from your authenticator app." }).max(100);

export async function startTwoFactorSetup(): Promise<TwoFactorState> {
  return userAction(async (user) => ({ enrolment: await beginEnrolment(user.id, user.email ?? user.name ?? user.id) }), [SecondFactorError], "own account");
}

export async function confirmTwoFactorSetup(previous: TwoFactorState, form: FormData): Promise<TwoFactorState> {
  const result = await userAction(
    async (user) => {
      // No revalidation here: the page would re-render as "on" and drop the codes before they are
      // read. The panel refreshes the page once the person says they have kept them.
      const recoveryCodes = await confirmEnrolment(user.id, actionInput(codeSchema, form.get("code")));
      await auditPerson(user, "second_factor_enabled");
      return { recoveryCodes, ok: "Two-factor sign-in is on." };
    },
    [SecondFactorError],
    "own account",
  );
  // A wrong code keeps the QR code in view, so the person can try the next code.
  return "error" in result && result.error ? { ...previous, error: result.error, recoveryCodes: undefined } : result;
}

export async function disableTwoFactor(_previous: TwoFactorState, form: FormData): Promise<TwoFactorState> {
  return userAction(
    async (user) => {
      await disableSecondFactor(user.id, { code: String(form.get("code") ?? "").slice(0, 100), password: String(form.get("password") ?? "").slice(0, 1024) });
      await auditPerson(user, "second_factor_disabled");
      revalidatePath("/account");
      return { ok: "Two-factor sign-in is off." };
    },
    [SecondFactorError],
    "own account",
  );
}

export async function newRecoveryCodes(_previous: TwoFactorState, form: FormData): Promise<TwoFactorState> {
  return userAction(
    async (user) => {
      const recoveryCodes = await regenerateRecoveryCodes(user.id, actionInput(codeSchema, form.get("code")));
      revalidatePath("/account");
      return { recoveryCodes, ok: "New recovery codes made; the old ones no longer work." };
    },
    [SecondFactorError],
    "own account",
  );
}
