"use client";

import { useActionState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { Alert, Button, Field, inputClass } from "@/app/_components/ui";
import { createTokenAction, revokeTokenAction, type CreateTokenState, type RevokeTokenState } from "./actions";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, undefined);
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-3" noValidate>
      {state?.created && (
        <div className="space-y-2 sm:col-span-3">
          <Alert tone="success">Token “{state.created.name}” created. Copy it now: it will not be shown again.</Alert>
          <div className="flex items-center gap-2">
            <code data-testid="new-token" className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800">
              {state.created.token}
            </code>
            <CopyButton value={state.created.token} label="Copy the new token" />
          </div>
        </div>
      )}
      {state?.error && (
        <div className="sm:col-span-3">
          <Alert>{state.error}</Alert>
        </div>
      )}
      <Field label="Name" name="name" required maxLength={100} placeholder="Claude Desktop on my laptop" error={state?.fieldErrors?.name} />
      <div className="space-y-1">
        <label htmlFor="scope" className="block text-sm font-medium">
          Scope
        </label>
        <select id="scope" name="scope" defaultValue="read" className={inputClass}>
          <option value="read">Read: tools that only read</option>
          <option value="write">Write: all your tools</option>
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="expiresInDays" className="block text-sm font-medium">
          Expires
        </label>
        <select id="expiresInDays" name="expiresInDays" defaultValue="30" className={inputClass}>
          <option value="7">In 7 days</option>
          <option value="30">In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
          <option value="never">Never</option>
        </select>
      </div>
      <div className="sm:col-span-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </div>
    </form>
  );
}

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action, pending] = useActionState<RevokeTokenState, FormData>(revokeTokenAction, undefined);
  return (
    <form action={action}>
      <input type="hidden" name="tokenId" value={tokenId} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Revoke ${name}`}>
        {pending ? "Revoking…" : "Revoke"}
      </Button>
      {state?.error && <p className="mt-1 text-xs text-red-600 dark:text-red-400">{state.error}</p>}
    </form>
  );
}
