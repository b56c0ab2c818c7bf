import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonTree } from "@/app/_components/json-tree";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Badge } from "@/app/_components/provider-logo";
import { isReusedStep } from "@/lib/runs/reused-steps";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { findUserById } from "@/lib/auth/users";
import { getToolRun } from "@/lib/runs/tool-runs";
import { getWorkflowRun } from "@/lib/runs/workflow-runs";
import { formatTime } from "../../webhooks/status";
import { RerunButton } from "./rerun-button";
import { ToolRunView } from "./tool-run";

/** Who started a run (or whom a webhook-started run acted as), as the workspace knows them. */
async function personLabel(userId: string): Promise<string> {
  const person = await findUserById(userId);
  return person?.name ?? person?.email ?? "someone no longer here";
}

export const metadata: Metadata = { title: "Run" };

const stepTone = { pending: "gray", running: "amber", success: "green", failed: "red", skipped: "gray" } as const;

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const user = await requireUser();
  const { runId } = await params;
  const toolRun = await getToolRun(user.workspaceId, runId);
  if (toolRun) return <ToolRunView run={toolRun} startedBy={await personLabel(toolRun.userId)} />;
  const found = await getWorkflowRun(user.workspaceId, runId);
  if (!found) notFound();
  const { run, steps } = found;
  const failedStep = run.status === "failed" ? steps.find((step) => step.status === "failed") : undefined;
  return (
    <>
      <BackLink href={`/workflows/${run.workflowId}`}>{run.workflowId}</BackLink>
      <PageHeader
        title={`Run of ${run.workflowId}`}
        description={`Started ${formatTime(run.startedAt)} by ${await personLabel(run.userId)} · ${run.trigger}${run.finishedAt ? ` · ${run.finishedAt - run.startedAt} ms` : ""}`}
        actions={run.status === "running" ? <LiveRefresh src={`/api/runs/${run.id}/stream`} event="run" /> : undefined}
      />
      <div className="mb-4 flex flex-wrap items-center gap-3" data-testid="run-status">
        <span className="text-sm font-medium">Status</span>
        <Badge tone={run.status === "success" ? "green" : run.status === "failed" ? "red" : "amber"}>{run.status}</Badge>
        {run.deliveryId && (
          <Link href={`/webhooks/${run.deliveryId}`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
            Started by delivery #{run.deliveryId}
          </Link>
        )}
      </div>
      {run.resumedFromRunId && (
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          Continues{" "}
          <Link href={`/runs/${run.resumedFromRunId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            an earlier failed run
          </Link>{" "}
          from its failed step; the steps before it reuse that run&apos;s outputs.
        </p>
      )}
      {run.error && (
        <div className="mb-4 space-y-3">
          <Alert>{run.error}</Alert>
          {failedStep && (
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <RerunButton runId={run.id} stepId={failedStep.stepId} />
              <span className="text-zinc-600 dark:text-zinc-400">
                Fix the cause first (connect the service, free the name); the steps that succeeded are not run again.
              </span>
            </div>
          )}
        </div>
      )}
      <ol className="space-y-3" aria-label="Steps">
        {steps.map((step) => (
          <li key={step.stepId} data-testid={`step-${step.stepId}`}>
            <Card>
              <div className="flex flex-wrap items-center gap-3">
                <span className="font-mono text-sm font-semibold">{step.stepId}</span>
                <Badge tone={stepTone[step.status]}>{step.status}</Badge>
                {isReusedStep(run, step) ? (
                  <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="reused-step">
                    reused from the run this one continues: it did not run again
                  </span>
                ) : (
                  step.startedAt && step.endedAt && <span className="text-xs text-zinc-500">{step.endedAt - step.startedAt} ms</span>
                )}
              </div>
              {step.error && <p className="mt-2 text-sm text-red-700 dark:text-red-400">{step.error}</p>}
              {step.output !== null && step.output !== undefined && (
                <div className="mt-2">
                  <JsonTree text={JSON.stringify(step.output)} label="output" openDepth={2} />
                </div>
              )}
            </Card>
          </li>
        ))}
      </ol>
      <Card className="mt-4">
        <h2 className="mb-2 font-semibold">Input</h2>
        <JsonTree text={JSON.stringify(run.input)} label="input" openDepth={2} />
      </Card>
    </>
  );
}
