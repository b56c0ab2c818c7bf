import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/provider-logo";
import { BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { findUserById } from "@/lib/auth/users";
import { atLeast } from "@/lib/auth/workspaces";
import { listAutomationRuns } from "@/lib/automations/run-queries";
import { findAutomation, listVersions, mayEdit } from "@/lib/automations/store";
import { formatTime } from "../../webhooks/status";
import { AutomationEditor } from "../editor";
import { editorOptions } from "../options";
import { DeleteForm, EnableForm, RunPanel } from "../run-forms";
import { describeTrigger } from "../summary";

export const metadata: Metadata = { title: "Automation" };

const tone = { queued: "gray", running: "amber", retrying: "amber", succeeded: "green", failed: "red" } as const;

type Props = { params: Promise<{ id: string }> };

export default async function AutomationPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const automation = await findAutomation(user.workspaceId, id);
  if (!automation) notFound();
  const editable = mayEdit(user, automation);
  const canRun = atLeast(user.role, "member");
  const options = editable || canRun ? await editorOptions(user) : undefined;
  const runs = await listAutomationRuns(user.workspaceId, { automationId: id }, 50);
  const versions = await listVersions(id);
  const who = new Map<string, string>();
  for (const changedBy of new Set(versions.map((version) => version.changedBy).filter((value): value is string => value !== null))) {
    const person = await findUserById(changedBy);
    who.set(changedBy, person?.email ?? person?.name ?? "a former member");
  }
  const trigger = automation.definition.trigger;
  const samples =
    trigger.kind === "delivery" && options
      ? options.samples
          .filter((sample) => sample.providerId === trigger.providerId)
          .map((sample) => ({
            id: sample.id,
            label: `#${sample.id} · ${[sample.event, sample.action].filter(Boolean).join(".")} · ${formatTime(sample.receivedAt)}`,
          }))
      : [];
  const counts = { succeeded: 0, failed: 0, other: 0 };
  for (const run of runs) counts[run.status === "succeeded" ? "succeeded" : run.status === "failed" ? "failed" : "other"]++;
  return (
    <>
      <BackLink href="/automations">All automations</BackLink>
      <PageHeader
        title={automation.name}
        description={`${describeTrigger(trigger)} · version ${automation.version}${automation.seedKey ? " · shipped with Patchbay" : ""}`}
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <Badge tone={automation.enabled ? "green" : "gray"}>{automation.enabled ? "enabled" : "paused"}</Badge>
            <a href={`/api/automations/${automation.id}/export`} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700">
              Export JSON
            </a>
            {editable && <EnableForm automationId={automation.id} enabled={automation.enabled} />}
            {editable && <DeleteForm automationId={automation.id} />}
          </div>
        }
      />
      {canRun && (
        <Card className="mb-6">
          <h2 className="mb-2 font-medium">Run it</h2>
          <RunPanel automationId={automation.id} fields={trigger.kind === "manual" ? trigger.fields : []} samples={samples} />
        </Card>
      )}
      <h2 className="mb-2 text-lg font-semibold">Runs</h2>
      <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="run-counts">
        Last {runs.length}: {counts.succeeded} succeeded, {counts.failed} failed, {counts.other} in progress or waiting to retry.
      </p>
      {runs.length === 0 ? (
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">No runs yet.</p>
      ) : (
        <Card className="mb-6 overflow-x-auto p-0">
          <table className="w-full text-left text-sm" aria-label="Runs of this automation">
            <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Started</th>
                <th className="px-4 py-2 font-medium">Trigger</th>
                <th className="px-4 py-2 font-medium">Attempts</th>
                <th className="hidden px-4 py-2 font-medium md:table-cell">Error</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {runs.map((run) => (
                <tr key={run.id} data-testid="automation-run-row">
                  <td className="px-4 py-2">
                    <Badge tone={tone[run.status]}>{run.status}</Badge>
                    {run.dryRun && <span className="ml-1 text-xs text-zinc-500">dry run</span>}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <Link href={`/automations/${automation.id}/runs/${run.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {formatTime(run.createdAt)}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    {run.trigger}
                    {run.deliveryId && <span className="ml-1 text-xs">delivery #{run.deliveryId}</span>}
                  </td>
                  <td className="px-4 py-2">{run.attempts}</td>
                  <td className="hidden max-w-md truncate px-4 py-2 text-red-700 md:table-cell dark:text-red-400">{run.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {editable && options ? (
        <Card className="mb-6">
          <h2 className="mb-3 text-lg font-semibold">Edit</h2>
          <AutomationEditor initial={{ name: automation.name, definition: automation.definition }} automationId={automation.id} options={options} />
        </Card>
      ) : (
        <Card className="mb-6">
          <h2 className="mb-2 font-medium">Definition</h2>
          <pre className="overflow-auto text-xs" tabIndex={0}>
            {JSON.stringify({ name: automation.name, definition: automation.definition }, null, 2)}
          </pre>
        </Card>
      )}
      <h2 className="mb-2 text-lg font-semibold">Versions</h2>
      <Card className="p-0">
        <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Versions">
          {versions.map((version) => (
            <li key={version.version} className="px-4 py-2">
              <span className="font-medium">v{version.version}</span> · {formatTime(version.changedAt)} · {version.summary}
              {" · "}
              {version.changedBy ? (who.get(version.changedBy) ?? "a former member") : "Patchbay"}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
