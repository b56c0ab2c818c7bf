"use client";

import { useActionState, useState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { createOwnerAccount, requestPasswordReset, resetPassword, signInWithPassword, signUp, type FormState } from "./actions";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signInWithPassword, initialError ? { error: initialError } : undefined);
  if (state?.challenge) {
    return (
      <form action={action} className="space-y-4" noValidate>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Your account has two-factor sign-in. Enter the code from your authenticator app.</p>
        {state.error && <Alert>{state.error}</Alert>}
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <input type="hidden" name="challenge" value={state.challenge} />
        <input type="hidden" name="email" value={state.values?.email ?? ""} />
        <Field
          key={state.error ?? "code"}
          label="Authentication code"
          name="code"
          autoComplete="one-time-code"
          required
          autoFocus
          hint="The 6-digit code your authenticator app shows, or one of your recovery codes."
        />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Checking…" : "Verify"}
        </Button>
      </form>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error && <Alert>{state.error}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus defaultValue={state?.values?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}

export function NewAccountForm({ kind }: { kind: "owner" | "signup" }) {
  const [state, action, pending] = useActionState<FormState, FormData>(kind === "owner" ? createOwnerAccount : signUp, undefined);
  // Controlled, so a refusal about another field (email taken) does not wipe the chosen password.
  const [password, setPassword] = useState("");
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error && <Alert>{state.error}</Alert>}
      <Field label="Name" name="name" autoComplete="name" required autoFocus defaultValue={state?.values?.name} error={state?.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={state?.values?.email} error={state?.fieldErrors?.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters, and not easy to guess: no common passwords, names or keyboard patterns."
        error={state?.fieldErrors?.password}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : kind === "owner" ? "Create owner account" : "Create account"}
      </Button>
    </form>
  );
}

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(requestPasswordReset, undefined);
  if (state?.ok) return <Alert tone="success">{state.ok}</Alert>;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error && <Alert>{state.error}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus defaultValue={state?.values?.email} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "Send me a reset link"}
      </Button>
    </form>
  );
}

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(resetPassword, undefined);
  const [values, setValues] = useState({ password: "", confirmPassword: "" });
  const bind = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: event.target.value }),
  });
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error && <Alert>{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      {/* For password managers: whose password this is. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        hint="At least 12 characters, and not easy to guess: no common passwords, names or keyboard patterns."
        {...bind("password")}
      />
      <Field
        label="New password again"
        type="password"
        autoComplete="new-password"
        required
        error={state?.fieldErrors?.confirmPassword}
        {...bind("confirmPassword")}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
