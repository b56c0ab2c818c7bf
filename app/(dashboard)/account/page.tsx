import type { Metadata } from "next";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { hasPassword } from "@/lib/auth/users";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${user.email ?? user.name ?? "you"} (${user.role}).`} />
      <Card>
        <h2 className="mb-4 font-semibold">Change your password</h2>
        <PasswordForm hasPassword={await hasPassword(user.id)} />
      </Card>
    </>
  );
}
