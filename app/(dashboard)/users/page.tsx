import type { Metadata } from "next";
import { NotAllowed } from "@/app/_components/not-allowed";
import { Card, PageHeader } from "@/app/_components/ui";
import { listPendingInvites } from "@/lib/auth/invites";
import { requireUser } from "@/lib/auth/session";
import { hasSecondFactor } from "@/lib/auth/second-factor";
import { atLeast, listMembers, membershipsOf } from "@/lib/auth/workspaces";
import { CreateMemberForm } from "./create-member-form";
import { PersonControls } from "./person-controls";
import { CreateWorkspaceForm, InviteForm, RevokeInviteButton, WorkspaceSettingsForm } from "./workspace-forms";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const user = await requireUser();
  if (!atLeast(user.role, "admin")) return <NotAllowed title="People" role={user.role} needs="admin" workspaceName={user.workspaceName} />;
  const people = await listMembers(user.workspaceId);
  const invites = await listPendingInvites(user.workspaceId);
  // Whose second factor this admin may turn off: someone else's that is on, and an owner's only by an owner.
  const factorOff = new Set<string>();
  for (const person of people) {
    if (person.id === user.id || !(await hasSecondFactor(person.id))) continue;
    const owns = person.role === "owner" || (await membershipsOf(person.id)).some((membership) => membership.role === "owner");
    if (!owns || user.role === "owner") factorOff.add(person.id);
  }
  return (
    <>
      <PageHeader
        title="People"
        description={`Who works in ${user.workspaceName}, and with what role. Viewers read; members run tools and replay; admins manage endpoints, forwarding, shared connections, imports and people; owners also the workspace.`}
      />
      <Card className="mb-6">
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="People">
          {people.map((person) => (
            <li key={person.id} className="space-y-2 py-3" data-testid="person">
              <p className="text-sm">
                <span className="font-medium">{person.name}</span> <span className="break-all text-zinc-600 dark:text-zinc-400">{person.email}</span>{" "}
                <span className="text-xs capitalize text-zinc-500">· {person.role}</span>
                {person.id === user.id && <span className="text-xs text-zinc-500"> (you)</span>}
              </p>
              <PersonControls
                userId={person.id}
                name={person.name ?? person.email ?? "this person"}
                role={person.role}
                isSelf={person.id === user.id}
                canMakeOwners={user.role === "owner"}
                canResetPassword={user.instanceOwner && person.id !== user.id}
                canTurnOffSecondFactor={factorOff.has(person.id)}
              />
            </li>
          ))}
        </ul>
      </Card>
      <Card className="mb-6">
        <h2 className="mb-4 font-semibold">Invite someone</h2>
        <InviteForm canInviteOwners={user.role === "owner"} />
        {invites.length > 0 && (
          <>
            <h3 className="mb-2 mt-6 text-sm font-semibold">Pending invites</h3>
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Pending invites">
              {invites.map((invite) => (
                <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    {invite.email} <span className="text-xs capitalize text-zinc-500">· {invite.role}</span>{" "}
                    <span className="text-xs text-zinc-500">· expires {invite.expiresAt.toISOString().slice(0, 10)}</span>
                  </span>
                  <RevokeInviteButton inviteId={invite.id} email={invite.email} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      <Card className="mb-6">
        <h2 className="mb-4 font-semibold">Add someone with a password</h2>
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          For people who cannot receive an invite: they join as members, and you pass the password on.
        </p>
        <CreateMemberForm />
      </Card>
      <Card className="mb-6">
        <h2 className="mb-4 font-semibold">Workspace</h2>
        <WorkspaceSettingsForm name={user.workspaceName} canRename={user.role === "owner"} requireSecondFactor={user.requireSecondFactor} />
      </Card>
      {user.instanceOwner && (
        <Card>
          <h2 className="mb-4 font-semibold">Workspaces on this instance</h2>
          <CreateWorkspaceForm />
        </Card>
      )}
    </>
  );
}
