"use client";

import { useActionState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { Alert, Button, Field, inputClass } from "@/app/_components/ui";
import { createWorkspaceAction, inviteAction, revokeInviteAction, workspaceSettingsAction, type InviteState, type UserActionState } from "./actions";

function Result({ state }: { state: UserActionState }) {
  if (state?.error) return <Alert>{state.error}</Alert>;
  if (state?.ok) return <Alert tone="success">{state.ok}</Alert>;
  return null;
}

export function InviteForm({ canInviteOwners }: { canInviteOwners: boolean }) {
  const [state, action, pending] = useActionState<InviteState, FormData>(inviteAction, undefined);
  return (
    <form action={action} className="space-y-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <Field label="Email address" name="email" id="invite-email" type="email" required />
        <div>
          <label htmlFor="invite-role" className="mb-1 block text-sm font-medium">
            Role
          </label>
          <select id="invite-role" name="role" defaultValue="member" className={`${inputClass} w-auto`}>
            {canInviteOwners && <option value="owner">Owner</option>}
            <option value="admin">Admin</option>
            <option value="member">Member</option>
            <option value="viewer">Viewer</option>
          </select>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Inviting…" : "Invite"}
        </Button>
      </div>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.ok && (
        <Alert tone="success">
          {state.ok}
          {state.link && (
            <span className="mt-2 flex items-center gap-2">
              <code className="min-w-0 flex-1 break-all text-xs" data-testid="invite-link">
                {state.link}
              </code>
              <CopyButton value={state.link} label="Copy invite link" />
            </span>
          )}
        </Alert>
      )}
    </form>
  );
}

export function RevokeInviteButton({ inviteId, email }: { inviteId: string; email: string }) {
  const [state, action, pending] = useActionState<UserActionState, FormData>(revokeInviteAction, undefined);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="inviteId" value={inviteId} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Revoke the invite for ${email}`}>
        Revoke
      </Button>
      <Result state={state} />
    </form>
  );
}

export function WorkspaceSettingsForm({ name, canRename, requireSecondFactor }: { name: string; canRename: boolean; requireSecondFactor: boolean }) {
  const [state, action, pending] = useActionState<UserActionState, FormData>(workspaceSettingsAction, undefined);
  return (
    <form action={action} className="space-y-3" noValidate>
      {canRename && <Field label="Workspace name" name="name" id="workspace-name" required defaultValue={name} />}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireSecondFactor" defaultChecked={requireSecondFactor} />
        Everyone must use a second factor (an authenticator app) to work in this workspace
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>
        Save
      </Button>
      <Result state={state} />
    </form>
  );
}

export function CreateWorkspaceForm() {
  const [state, action, pending] = useActionState<UserActionState, FormData>(createWorkspaceAction, undefined);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" noValidate>
      <Field label="New workspace name" name="name" id="new-workspace-name" required />
      <Button type="submit" variant="secondary" disabled={pending}>
        Create workspace
      </Button>
      <Result state={state} />
    </form>
  );
}
