import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { workflowCatalog } from "@/lib/catalog/catalog";
import { listWorkflowRuns } from "@/lib/runs/workflow-runs";
import { RunList } from "./run-list";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="Workflows"
        description="Multi-step Mastra workflows, started by hand or by a webhook. Each run shows its steps live and stays in the history."
      />
      <div className="grid gap-3 md:grid-cols-3">
        {workflowCatalog.map((workflow) => (
          <Card key={workflow.id}>
            <Link href={`/workflows/${workflow.id}`} className="font-mono text-sm font-semibold text-indigo-600 hover:underline dark:text-indigo-400">
              {workflow.id}
            </Link>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{workflow.description}</p>
            <p className="mt-2 text-xs text-zinc-500">Steps: {workflow.steps.join(" → ")}</p>
          </Card>
        ))}
      </div>
      <h2 className="mb-2 mt-8 text-lg font-semibold">Recent runs</h2>
      <RunList runs={await listWorkflowRuns(user.workspaceId)} emptyText="No runs yet. Start a workflow above, or let a webhook start one." />
    </>
  );
}
