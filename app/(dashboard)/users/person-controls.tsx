"use client";

import { useActionState, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { WorkspaceRole } from "@/lib/auth/workspaces";
import { changeRoleAction, removeUserAction, resetPasswordAction, turnOffSecondFactorAction, type UserActionState } from "./actions";

function Result({ state }: { state: UserActionState }) {
  if (state?.error) return <Alert>{state.error}</Alert>;
  if (state?.ok) return <Alert tone="success">{state.ok}</Alert>;
  return null;
}

/** An admin's controls for one person in the workspace: role, a new password (the instance's owner), removal from the workspace (confirmed in place). */
export function PersonControls({
  userId,
  name,
  role,
  isSelf,
  canMakeOwners,
  canResetPassword,
  canTurnOffSecondFactor = false,
}: {
  userId: string;
  name: string;
  role: WorkspaceRole;
  isSelf: boolean;
  canMakeOwners: boolean;
  canResetPassword: boolean;
  /** They have a second factor on, and this admin may turn it off (an owner's: owners only). */
  canTurnOffSecondFactor?: boolean;
}) {
  const [roleState, roleAction, rolePending] = useActionState<UserActionState, FormData>(changeRoleAction, undefined);
  const [resetState, resetAction, resetPending] = useActionState<UserActionState, FormData>(resetPasswordAction, undefined);
  const [removeState, removeAction, removePending] = useActionState<UserActionState, FormData>(removeUserAction, undefined);
  const [factorState, factorAction, factorPending] = useActionState<UserActionState, FormData>(turnOffSecondFactorAction, undefined);
  const [password, setPassword] = useState("");
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-2" role="group" aria-label={`Manage ${name}`}>
      <div className="flex flex-wrap items-start gap-2">
        <form action={roleAction} className="flex items-center gap-2">
          <input type="hidden" name="userId" value={userId} />
          <label className="sr-only" htmlFor={`role-${userId}`}>
            Role of {name}
          </label>
          <select id={`role-${userId}`} name="role" defaultValue={role} className={`${inputClass} w-auto`}>
            {(canMakeOwners || role === "owner") && <option value="owner">Owner</option>}
            <option value="admin">Admin</option>
            <option value="member">Member</option>
            <option value="viewer">Viewer</option>
          </select>
          <Button type="submit" variant="secondary" disabled={rolePending}>
            Change role
          </Button>
        </form>
        {canResetPassword && (
          <form action={resetAction} className="flex items-center gap-2">
            <input type="hidden" name="userId" value={userId} />
            <label className="sr-only" htmlFor={`password-${userId}`}>
              New password for {name}
            </label>
            <input
              id={`password-${userId}`}
              name="password"
              type="password"
              autoComplete="new-password"
              placeholder="New password"
              className={`${inputClass} w-40`}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <Button type="submit" variant="secondary" disabled={resetPending}>
              Reset password
            </Button>
          </form>
        )}
        {canTurnOffSecondFactor && !factorState?.ok && (
          <form action={factorAction}>
            <input type="hidden" name="userId" value={userId} />
            <Button type="submit" variant="secondary" disabled={factorPending}>
              Turn off two-factor
            </Button>
          </form>
        )}
        {!isSelf &&
          (confirming ? (
            <form action={removeAction} className="flex flex-wrap items-center gap-2">
              <input type="hidden" name="userId" value={userId} />
              <span className="text-sm">Remove {name} from this workspace? Their account and personal connections stay theirs.</span>
              <Button type="submit" variant="danger" disabled={removePending}>
                Yes, remove
              </Button>
              <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </form>
          ) : (
            <Button type="button" variant="secondary" onClick={() => setConfirming(true)}>
              Remove
            </Button>
          ))}
      </div>
      <Result state={roleState} />
      <Result state={resetState} />
      <Result state={removeState} />
      <Result state={factorState} />
    </div>
  );
}
