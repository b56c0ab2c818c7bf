import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { JsonSchema } from "@/app/_components/schema-form";
import { BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { workflowCatalog, workflowFormSchema } from "@/lib/mastra/catalog";
import { listWorkflowRuns } from "@/lib/mastra/workflow-runs";
import { Runner } from "../../tools/runner";
import { RunList } from "../run-list";

export const metadata: Metadata = { title: "Workflow" };

export default async function WorkflowPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const workflow = workflowCatalog.find((candidate) => candidate.id === id);
  const schema = workflowFormSchema(id);
  if (!workflow || !schema) notFound();
  return (
    <>
      <BackLink href="/workflows">All workflows</BackLink>
      <PageHeader title={workflow.id} description={workflow.description} />
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">Steps: {workflow.steps.join(" → ")}</p>
      <Card className="mb-8">
        <Runner kind="workflow" id={workflow.id} schema={schema as JsonSchema} />
      </Card>
      <h2 className="mb-2 text-lg font-semibold">Runs of this workflow</h2>
      <RunList runs={listWorkflowRuns(user.id, workflow.id)} emptyText="No runs yet." />
    </>
  );
}
