import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Tools" };

export default async function ToolsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Tools" description="Mastra tools that act on your connected services, run by hand from a generated form." />
      <EmptyState title="No tools yet">
        <p>Tools will be listed here by service, each with a form built from its input schema and a history of your runs.</p>
        <p>This build has no tools yet; they arrive together with service connections.</p>
      </EmptyState>
    </>
  );
}
