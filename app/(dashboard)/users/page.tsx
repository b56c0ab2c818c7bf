import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { CreateMemberForm } from "./create-member-form";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  if (user.role !== "owner") notFound();
  const people = listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description={`People who can sign in to this Patchbay. Each sees only their own connections, deliveries and runs. Open sign-up is ${env().ALLOW_SIGNUP ? "on" : "off"} (ALLOW_SIGNUP).`}
      />
      <Card className="mb-6">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-2 font-medium">Name</th>
              <th className="py-2 font-medium">Email</th>
              <th className="py-2 font-medium">Role</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {people.map((person) => (
              <tr key={person.id}>
                <td className="py-2">{person.name}</td>
                <td className="py-2">{person.email}</td>
                <td className="py-2 capitalize">{person.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card>
        <h2 className="mb-4 font-semibold">Add a person</h2>
        <CreateMemberForm />
      </Card>
    </>
  );
}
