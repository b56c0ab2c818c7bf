import type { Metadata } from "next";
import { BackLink, Card, PageHeader } from "@/app/_components/ui";
import { NotAllowed } from "@/app/_components/not-allowed";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { readiness } from "@/lib/connections/credentials";
import { listProviders } from "@/lib/providers";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import an OpenAPI description" };

export default async function ImportPage() {
  const user = await requireUser();
  if (!atLeast(user.role, "admin"))
    return <NotAllowed title="Import an OpenAPI description" role={user.role} needs="admin" workspaceName={user.workspaceName} />;
  // Connections (or API keys) that can authenticate an imported API right now.
  const usable: { id: string; name: string }[] = [];
  for (const provider of listProviders()) if ((await readiness(user.id, provider.id)).ready) usable.push({ id: provider.id, name: provider.name });
  return (
    <>
      <BackLink href="/tools">All tools</BackLink>
      <PageHeader
        title="Import an OpenAPI description"
        description="Paste a description, choose a file, or give its URL (OpenAPI 3.0, 3.1 or Swagger 2.0, JSON or YAML). Preview it, choose the server and how calls authenticate, and every operation becomes a tool you can run."
      />
      <Card>
        <ImportForm connections={usable} />
      </Card>
    </>
  );
}
