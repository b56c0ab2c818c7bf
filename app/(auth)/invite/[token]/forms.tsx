"use client";

import { useActionState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { acceptAsNewPerson, acceptAsSignedIn, acceptWithGitHub, type InviteFormState } from "./actions";

export function NewPersonInviteForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<InviteFormState, FormData>(acceptAsNewPerson.bind(null, token), undefined);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.error && <Alert>{state.error}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="username" defaultValue={email} readOnly />
      <Field label="Name" name="name" autoComplete="name" required autoFocus defaultValue={state?.values?.name} error={state?.fieldErrors?.name} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters."
        error={state?.fieldErrors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Create account and join"}
      </Button>
    </form>
  );
}

export function AcceptInviteButton({ token }: { token: string }) {
  const [state, action, pending] = useActionState<InviteFormState, FormData>(() => acceptAsSignedIn(token), undefined);
  return (
    <form action={action} className="space-y-3">
      {state?.error && <Alert>{state.error}</Alert>}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Accept and join"}
      </Button>
    </form>
  );
}

/** Joins by signing in with GitHub instead of choosing a password. */
export function JoinWithGitHubButton({ token }: { token: string }) {
  const [state, action, pending] = useActionState<InviteFormState, FormData>(() => acceptWithGitHub(token), undefined);
  return (
    <form action={action} className="space-y-3">
      {state?.error && <Alert>{state.error}</Alert>}
      <Button type="submit" variant="secondary" className="w-full" disabled={pending}>
        {pending ? "Going to GitHub…" : "Join with GitHub"}
      </Button>
    </form>
  );
}
