"use client";

import { useActionState, useState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { changeOwnPasswordAction, type UserActionState } from "../users/actions";

/** Change your own password; the fields keep what was typed when the server refuses. */
export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, action, pending] = useActionState<UserActionState, FormData>(changeOwnPasswordAction, undefined);
  const [values, setValues] = useState({ currentPassword: "", newPassword: "", confirmPassword: "" });
  const [revokeTokens, setRevokeTokens] = useState(false);
  const bind = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: event.target.value }),
  });
  return (
    <form action={action} className="max-w-md space-y-4" noValidate>
      {hasPassword && <Field label="Current password" type="password" autoComplete="current-password" {...bind("currentPassword")} />}
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters, and not easy to guess: no common passwords, names or keyboard patterns."
        {...bind("newPassword")}
      />
      <Field label="New password again" type="password" autoComplete="new-password" {...bind("confirmPassword")} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="revokeTokens" className="mt-1" checked={revokeTokens} onChange={(event) => setRevokeTokens(event.target.checked)} />
        <span>Also revoke all my access tokens (personal tokens and those given to MCP clients), in case someone else made one.</span>
      </label>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
