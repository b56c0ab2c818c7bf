"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/config";
import { credentialsSchema, newAccountSchema } from "@/lib/auth/schemas";
import { AccountExistsError, createLocalUser } from "@/lib/auth/users";
import { createWorkspace } from "@/lib/auth/workspaces";
import { env } from "@/lib/platform/env";
import { safeReturnPath } from "@/lib/platform/safe-redirect";
import { fieldErrors } from "@/lib/platform/issues";
import { GENERIC_SIGN_IN_ERROR, THROTTLED_SIGN_IN_ERROR } from "./messages";

/** What a form shows after a failed submit; `values` refills the fields (never the password). */
export type FormState = { error?: string; fieldErrors?: Record<string, string | undefined>; values?: Record<string, string> } | undefined;

function submitted(form: FormData, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? "")]));
}

/** Signs in with a password; Auth.js redirects on success, so this returns only on failure. */
async function signInWith(email: string, password: string, returnTo: string): Promise<FormState> {
  try {
    await signIn("credentials", { email, password, redirectTo: returnTo });
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      return { error: (error as AuthError & { code?: string }).code === "throttled" ? THROTTLED_SIGN_IN_ERROR : GENERIC_SIGN_IN_ERROR };
    }
    throw error; // includes Next's redirect, which must propagate
  }
  return undefined;
}

export async function signInWithPassword(_previous: FormState, form: FormData): Promise<FormState> {
  const parsed = credentialsSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: GENERIC_SIGN_IN_ERROR, values: submitted(form, "email") };
  const failure = await signInWith(parsed.data.email, parsed.data.password, safeReturnPath(form.get("callbackUrl")));
  return failure && { ...failure, values: submitted(form, "email") };
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
  return signInWith(parsed.data.email, parsed.data.password, "/");
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
