"use client";

import { useActionState, useState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { createMember, type CreateMemberState } from "./actions";

export function CreateMemberForm() {
  const [state, action, pending] = useActionState<CreateMemberState, FormData>(createMember, undefined);
  // Controlled, so a refusal about another field (email taken) does not wipe the password typed.
  const [password, setPassword] = useState("");
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state?.created) setPassword("");
  }
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-3" noValidate>
      <div className="sm:col-span-3 space-y-2">
        {state?.error && <Alert>{state.error}</Alert>}
        {state?.created && <Alert tone="success">Account created for {state.created}. Share the password with them privately.</Alert>}
      </div>
      <Field label="Name" name="name" required defaultValue={state?.values?.name} error={state?.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" required defaultValue={state?.values?.email} error={state?.fieldErrors?.email} />
      <Field
        label="Initial password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 12 characters, and not easy to guess: no common passwords, names or keyboard patterns."
        error={state?.fieldErrors?.password}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div className="sm:col-span-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add person"}
        </Button>
      </div>
    </form>
  );
}
