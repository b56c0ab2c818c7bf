"use server";

import { after } from "next/server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/config";
import { PasswordResetError, resetPasswordWithToken, resetRequestAllowed, sendPasswordReset } from "@/lib/auth/password-reset";
import { credentialsSchema, newAccountSchema } from "@/lib/auth/schemas";
import { clientAddress } from "@/lib/auth/sign-in";
import { AccountExistsError, createLocalUser } from "@/lib/auth/users";
import { createWorkspace } from "@/lib/auth/workspaces";
import { mailConfigured } from "@/lib/mail";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { safeReturnPath } from "@/lib/platform/safe-redirect";
import { fieldErrors } from "@/lib/platform/issues";
import { CODE_EXPIRED_ERROR, GENERIC_SIGN_IN_ERROR, INVALID_CODE_ERROR, THROTTLED_CODE_ERROR, THROTTLED_SIGN_IN_ERROR } from "./messages";

/**
 * What a form shows after a failed submit; `values` refills the fields (never the password).
 * `challenge`: the password was right and the sign-in form now asks for the second-factor code.
 */
export type FormState =
  { error?: string; fieldErrors?: Record<string, string | undefined>; values?: Record<string, string>; challenge?: string; ok?: string } | undefined;

function submitted(form: FormData, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? "")]));
}

/**
 * Signs in with a password, or with the challenge of a password step and a second-factor code;
 * Auth.js redirects on success, so this returns only on failure (or to ask for the code).
 */
async function signInWith(credentials: { email: string; password: string } | { challenge: string; code: string }, returnTo: string): Promise<FormState> {
  try {
    await signIn("credentials", { ...credentials, redirectTo: returnTo });
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      const { code, challenge } = error as AuthError & { code?: string; challenge?: string };
      if (code === "second_factor" && challenge) return { challenge };
      if ("challenge" in credentials) {
        if (code === "invalid_code") return { challenge: credentials.challenge, error: INVALID_CODE_ERROR };
        if (code === "throttled") return { challenge: credentials.challenge, error: THROTTLED_CODE_ERROR };
        return { error: CODE_EXPIRED_ERROR };
      }
      return { error: code === "throttled" ? THROTTLED_SIGN_IN_ERROR : GENERIC_SIGN_IN_ERROR };
    }
    throw error; // includes Next's redirect, which must propagate
  }
  return undefined;
}

/** The sign-in form: the password step, or (with a challenge) the second-factor code step. */
export async function signInWithPassword(_previous: FormState, form: FormData): Promise<FormState> {
  const returnTo = safeReturnPath(form.get("callbackUrl"));
  const challenge = form.get("challenge");
  if (typeof challenge === "string" && challenge) {
    const code = String(form.get("code") ?? "").slice(0, 100);
    const failure = await signInWith({ challenge, code }, returnTo);
    return failure && { ...failure, values: submitted(form, "email") };
  }
  const parsed = credentialsSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: GENERIC_SIGN_IN_ERROR, values: submitted(form, "email") };
  const failure = await signInWith(parsed.data, returnTo);
  return failure && { ...failure, values: submitted(form, "email") };
}

/**
 * "Forgot password": the same answer whatever the address, sent before the lookup and the mail
 * (which run after the response), so neither the words nor the timing tell whether an account
 * exists. Only the count per client address shows, and it says nothing about the email.
 */
export async function requestPasswordReset(_previous: FormState, form: FormData): Promise<FormState> {
  if (!mailConfigured()) return { error: "This instance does not send mail. Ask its owner to reset your password." };
  const email = String(form.get("email") ?? "").slice(0, 320);
  const address = clientAddress(new Request(env().APP_URL, { headers: await headers() }));
  if (!(await resetRequestAllowed(address))) return { error: "Too many reset requests from your address. Wait an hour, then try again.", values: { email } };
  after(async () => {
    try {
      const outcome = await sendPasswordReset(email);
      if (outcome !== "sent") log.info("password reset not mailed", { outcome });
    } catch (error) {
      log.warn("password reset mail failed", { error: error instanceof Error ? error.message : String(error) });
    }
  });
  return { ok: "If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes." };
}

/** The page the mailed link opens: a new password, checked for strength, then sign in again. */
export async function resetPassword(_previous: FormState, form: FormData): Promise<FormState> {
  const token = String(form.get("token") ?? "");
  const password = String(form.get("password") ?? "");
  if (password !== form.get("confirmPassword")) return { fieldErrors: { confirmPassword: "The two passwords differ." } };
  try {
    await resetPasswordWithToken(token, password);
  } catch (error) {
    if (error instanceof PasswordResetError) return { error: error.message };
    throw error;
  }
  redirect("/sign-in?reset=done");
}

/** The first-run owner owns the default workspace; someone who signs up on an open instance gets a workspace of their own (a team's is joined by invite). */
async function createAccountAndSignIn(form: FormData, role: "owner" | "member", onlyIfFirst: boolean): Promise<FormState> {
  const parsed = newAccountSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  const values = submitted(form, "name", "email");
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  try {
    const person = await createLocalUser(parsed.data, role, onlyIfFirst, role === "owner" ? undefined : null);
    if (role !== "owner") await createWorkspace(`${parsed.data.name}'s workspace`, person.id);
  } catch (error) {
    if (error instanceof AccountExistsError) return { error: error.message, values };
    throw error;
  }
  return signInWith({ email: parsed.data.email, password: parsed.data.password }, "/");
}

export async function createOwnerAccount(_previous: FormState, form: FormData): Promise<FormState> {
  return createAccountAndSignIn(form, "owner", true);
}

export async function signUp(_previous: FormState, form: FormData): Promise<FormState> {
  if (!env().ALLOW_SIGNUP) return { error: "Sign-up is closed on this instance. Ask its owner for an account." };
  return createAccountAndSignIn(form, "member", false);
}

export async function signInWithGitHub(form: FormData): Promise<void> {
  await signIn("github", { redirectTo: safeReturnPath(form.get("callbackUrl")) });
}
