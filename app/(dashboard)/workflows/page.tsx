import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Workflows" description="Multi-step Mastra workflows, started by hand or by a webhook." />
      <EmptyState title="No workflows yet">
        <p>Workflows will be listed here with their input forms; each run shows its steps live and is kept in the history.</p>
        <p>This build has no workflows yet.</p>
      </EmptyState>
    </>
  );
}
