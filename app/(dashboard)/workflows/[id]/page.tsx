import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { JsonSchema } from "@/app/_components/schema-form";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { workflowCatalog, workflowFormSchema, workflowMissingServices } from "@/lib/catalog/catalog";
import { prefillFromDelivery } from "@/lib/webhooks/prefill";
import { listWorkflowRuns } from "@/lib/runs/workflow-runs";
import { Runner } from "../../tools/runner";
import { RunList } from "../run-list";

export const metadata: Metadata = { title: "Workflow" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function WorkflowPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const workflow = workflowCatalog.find((candidate) => candidate.id === id);
  const schema = workflowFormSchema(id) as JsonSchema | undefined;
  if (!workflow || !schema) notFound();
  const { delivery } = await searchParams;
  const prefill =
    typeof delivery === "string" && /^\d{1,15}$/.test(delivery)
      ? await prefillFromDelivery(user.workspaceId, Number(delivery), { kind: "workflow", id: workflow.id, fields: Object.keys(schema.properties ?? {}) })
      : undefined;
  const missing = await workflowMissingServices(user, workflow.id);
  return (
    <>
      <BackLink href="/workflows">All workflows</BackLink>
      <PageHeader title={workflow.id} description={workflow.description} />
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">Steps: {workflow.steps.join(" → ")}</p>
      {missing.length > 0 && (
        <div className="mb-4" data-testid="missing-services">
          <Alert tone="info">
            Not ready: this workflow will not start until you{" "}
            {missing.map((service, index) => (
              <span key={service.providerId}>
                {index > 0 && (index === missing.length - 1 ? " and " : ", ")}
                <Link href="/connections" className="font-medium underline">
                  {service.reason.replace(/ first$/, "").replace(/^./, (first) => first.toLowerCase())}
                </Link>
              </span>
            ))}
            .
          </Alert>
        </div>
      )}
      {prefill && (
        <div className="mb-4">
          <Alert tone={"error" in prefill ? "error" : "info"}>{"error" in prefill ? prefill.error : prefill.note}</Alert>
        </div>
      )}
      <Card className="mb-8">
        <Runner
          key={prefill ? `delivery-${prefill.deliveryId}` : "new"}
          kind="workflow"
          id={workflow.id}
          schema={schema}
          initial={prefill && "input" in prefill ? prefill.input : undefined}
          deliveryId={prefill && "input" in prefill ? prefill.deliveryId : undefined}
        />
      </Card>
      <h2 className="mb-2 text-lg font-semibold">Runs of this workflow</h2>
      <RunList runs={await listWorkflowRuns(user.workspaceId, workflow.id)} emptyText="No runs yet." />
    </>
  );
}
