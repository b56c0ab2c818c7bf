import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonTree } from "@/app/_components/json-tree";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Badge } from "@/app/_components/provider-logo";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { findUserById } from "@/lib/auth/users";
import { atLeast } from "@/lib/auth/workspaces";
import { getAutomationRun } from "@/lib/automations/run-queries";
import { findAutomation } from "@/lib/automations/store";
import { formatTime } from "../../../../webhooks/status";
import { RerunForm } from "../../../run-forms";

export const metadata: Metadata = { title: "Automation run" };

const tone = { queued: "gray", running: "amber", retrying: "amber", succeeded: "green", failed: "red", pending: "gray", skipped: "gray" } as const;

type Props = { params: Promise<{ id: string; runId: string }> };

export default async function AutomationRunPage({ params }: Props) {
  const user = await requireUser();
  const { id, runId } = await params;
  const automation = await findAutomation(user.workspaceId, id);
  const found = await getAutomationRun(user.workspaceId, runId);
  if (!automation || !found || found.run.automationId !== id) notFound();
  const { run, steps, attempts } = found;
  const starter = run.startedBy ? await findUserById(run.startedBy) : undefined;
  const failedStep = steps.find((step) => step.status === "failed");
  const live = run.status === "queued" || run.status === "running" || run.status === "retrying";
  return (
    <>
      <BackLink href={`/automations/${id}`}>{automation.name}</BackLink>
      <PageHeader
        title={`Run of ${automation.name}`}
        description={`Started ${formatTime(run.createdAt)} · ${run.trigger}${run.dryRun ? " (dry run)" : ""}${starter ? ` by ${starter.email ?? starter.name}` : ""} · version ${run.version}`}
        actions={live ? <LiveRefresh src={`/api/automations/runs/${run.id}/stream`} event="run" /> : undefined}
      />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <span data-testid="automation-run-status">
          <Badge tone={tone[run.status]}>{run.status}</Badge>
        </span>
        <span>
          {run.attempts} attempt{run.attempts === 1 ? "" : "s"}
        </span>
        {run.deliveryId && (
          <Link href={`/webhooks/${run.deliveryId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            delivery #{run.deliveryId}
          </Link>
        )}
        {run.status === "retrying" && run.nextAttemptAt && <span>next attempt {formatTime(run.nextAttemptAt)}</span>}
        {run.status === "retrying" && run.trigger === "delivery" && <span>retried with its delivery, on the delivery&apos;s schedule</span>}
      </div>
      {run.error && (
        <div className="mb-4">
          <Alert>{run.error}</Alert>
        </div>
      )}
      {run.status === "failed" && failedStep && atLeast(user.role, "member") && (
        <div className="mb-4">
          <RerunForm runId={run.id} stepKey={failedStep.stepKey} />
        </div>
      )}
      <h2 className="mb-2 text-lg font-semibold">Steps</h2>
      <ol className="mb-6 space-y-3" aria-label="Steps">
        {steps.map((step) => (
          <li key={step.position} data-testid="automation-step">
            <Card>
              <div className="mb-2 flex flex-wrap items-center gap-2">
                <span className="font-mono text-sm font-medium">{step.stepKey}</span>
                <span className="text-xs text-zinc-500">{step.kind}</span>
                <Badge tone={tone[step.status]}>{step.status}</Badge>
                {step.reused && <span className="text-xs text-zinc-600 dark:text-zinc-400">reused from an earlier attempt</span>}
                {step.attempt && !step.reused && <span className="text-xs text-zinc-500">attempt {step.attempt}</span>}
                {step.workflowRunId && (
                  <Link href={`/runs/${step.workflowRunId}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
                    workflow run
                  </Link>
                )}
              </div>
              {step.error && <Alert>{step.error}</Alert>}
              {step.input !== null && step.input !== undefined && (
                <details className="mt-2">
                  <summary className="cursor-pointer text-sm">Input</summary>
                  <JsonTree text={JSON.stringify(step.input)} label="input" testId="step-input" />
                </details>
              )}
              {step.output !== null && step.output !== undefined && (
                <details className="mt-2" open>
                  <summary className="cursor-pointer text-sm">Output</summary>
                  <JsonTree text={JSON.stringify(step.output)} label="output" testId="step-output" />
                </details>
              )}
            </Card>
          </li>
        ))}
      </ol>
      <h2 className="mb-2 text-lg font-semibold">Attempts</h2>
      <Card className="p-0">
        <ol className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Attempts">
          {attempts.map((attempt) => (
            <li key={attempt.number} className="px-4 py-2">
              #{attempt.number} · {formatTime(attempt.startedAt)} · {attempt.outcome}
              {attempt.durationMs !== null ? ` · ${attempt.durationMs} ms` : ""}
              {attempt.error ? <span className="text-red-700 dark:text-red-400"> · {attempt.error}</span> : null}
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
