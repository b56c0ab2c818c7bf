import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/auth/users";
import { env } from "@/lib/platform/env";
import { CreateMemberForm } from "./create-member-form";
import { PersonControls } from "./person-controls";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  if (user.role !== "owner") notFound();
  const people = await listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description={`People who can sign in to this Patchbay. Each sees only their own connections, deliveries and runs. Open sign-up is ${env().ALLOW_SIGNUP ? "on" : "off"} (ALLOW_SIGNUP).`}
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
              <PersonControls userId={person.id} name={person.name ?? person.email ?? "this person"} role={person.role} isSelf={person.id === user.id} />
            </li>
          ))}
        </ul>
      </Card>
      <Card>
        <h2 className="mb-4 font-semibold">Add a person</h2>
        <CreateMemberForm />
      </Card>
    </>
  );
}
