"use client";

import { useActionState, useState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { createOwnerAccount, signInWithPassword, signUp, type FormState } from "./actions";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signInWithPassword, initialError ? { error: initialError } : undefined);
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
        hint="At least 12 characters."
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
