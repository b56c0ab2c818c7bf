import type { Metadata } from "next";
import { Alert, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { secondFactorStatus } from "@/lib/auth/second-factor";
import { hasPassword } from "@/lib/auth/users";
import { PasswordForm } from "./password-form";
import { TwoFactorPanel } from "./two-factor-panel";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ password?: string | string[]; tokens?: string | string[] }> }) {
  const user = await requireUser({ secondFactorExempt: true });
  const { password, tokens } = await searchParams;
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${user.email ?? user.name ?? "you"} (${user.role} in ${user.workspaceName}).`} />
      {user.secondFactorMissing && (
        <div className="mb-4">
          <Alert>{user.workspaceName} requires two-factor sign-in. Turn it on below to use the rest of Patchbay.</Alert>
        </div>
      )}
      <Card>
        <h2 className="mb-4 font-semibold">Change your password</h2>
        {password === "changed" && (
          <div className="mb-4 max-w-md">
            <Alert tone="success">
              Your password was changed; other sessions are signed out.
              {tokens === "revoked" && " Your access tokens were revoked: MCP clients need a new token or to sign in again."}
            </Alert>
          </div>
        )}
        <PasswordForm hasPassword={await hasPassword(user.id)} />
      </Card>
      <Card className="mt-6">
        <h2 className="mb-4 font-semibold">Two-factor sign-in</h2>
        <TwoFactorPanel {...await secondFactorStatus(user.id)} />
      </Card>
    </>
  );
}
