import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Connections" description="The services Patchbay acts on for you, connected by OAuth 2.0 or an API key." />
      <EmptyState title="No services connected">
        <p>Each connected service will appear here with the account it is connected as, its scopes and when its token expires.</p>
        <p>Connecting services (GitHub first) is not available in this build yet; nothing is connected on your behalf.</p>
      </EmptyState>
    </>
  );
}
