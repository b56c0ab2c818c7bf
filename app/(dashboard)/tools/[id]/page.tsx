import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonTree } from "@/app/_components/json-tree";
import type { JsonSchema } from "@/app/_components/schema-form";
import { Alert, BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { toolAccountChoices, toolFormSchema, toolSummary } from "@/lib/catalog/catalog";
import { prefillFromDelivery } from "@/lib/webhooks/prefill";
import { getToolRun, listToolRuns } from "@/lib/runs/tool-runs";
import { formatTime } from "../../webhooks/status";
import { lookupChoices } from "@/lib/tools/lookups";
import { Runner } from "../runner";
import { triggerLabel } from "../trigger-label";

export const metadata: Metadata = { title: "Tool" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ToolPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const tool = await toolSummary(user, id);
  const schema = (await toolFormSchema(user.workspaceId, id)) as JsonSchema | undefined;
  if (!tool || !schema) notFound();
  const { from, delivery } = await searchParams;
  const previous = typeof from === "string" ? await getToolRun(user.workspaceId, from) : undefined;
  const prefill =
    typeof delivery === "string" && /^\d{1,15}$/.test(delivery)
      ? await prefillFromDelivery(user.workspaceId, Number(delivery), { kind: "tool", id: tool.id, fields: Object.keys(schema.properties ?? {}) })
      : undefined;
  const initial = prefill && "input" in prefill ? prefill.input : (previous?.input as Record<string, unknown> | undefined);
  const history = await listToolRuns(user.workspaceId, id);
  return (
    <>
      <BackLink href="/tools">All tools</BackLink>
      <PageHeader title={tool.id} description={tool.description} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          {!tool.ready && (
            <Alert tone="info">
              <Link href="/connections" className="font-medium underline">
                {tool.reason}
              </Link>
              {tool.providerName ? `: this tool acts through ${tool.providerName}.` : "."}
            </Alert>
          )}
          {prefill && <Alert tone={"error" in prefill ? "error" : "info"}>{"error" in prefill ? prefill.error : prefill.note}</Alert>}
          <Card>
            <Runner
              key={prefill ? `delivery-${prefill.deliveryId}` : (previous?.id ?? "new")}
              kind="tool"
              id={tool.id}
              schema={schema}
              initial={initial}
              accountChoices={await toolAccountChoices(user, tool.id)}
              lookups={tool.ready ? await lookupChoices(user, tool.id) : []}
              deliveryId={prefill && "input" in prefill ? prefill.deliveryId : undefined}
            />
          </Card>
        </div>
        <Card className="min-w-0">
          <h2 className="mb-3 font-semibold">Your recent runs</h2>
          {history.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              No runs yet. Fill in the form and run the tool; each run is kept here with its input and output.
            </p>
          ) : (
            <ul className="space-y-2 text-sm" aria-label="Run history">
              {history.map((run) => (
                <li key={run.id} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
                  <div className="flex items-center justify-between gap-2">
                    <span
                      className={
                        run.status === "succeeded" ? "text-emerald-700 dark:text-emerald-400" : run.status === "failed" ? "text-red-700 dark:text-red-400" : ""
                      }
                    >
                      {run.status}
                    </span>
                    <span className="text-xs text-zinc-500">{run.durationMs ?? "…"} ms</span>
                  </div>
                  <p className="text-xs text-zinc-500">
                    <Link href={`/runs/${run.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                      {formatTime(run.startedAt)}
                    </Link>{" "}
                    · <span data-testid="run-trigger">{triggerLabel(run)}</span>
                  </p>
                  {run.error && <p className="truncate text-xs text-red-700 dark:text-red-400">{run.error}</p>}
                  <details className="text-xs">
                    <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Input and output</summary>
                    <div className="mt-1 space-y-1 overflow-x-auto">
                      <JsonTree text={JSON.stringify(run.input ?? null)} label="earlier input" openDepth={1} testId="history-input" />
                      <JsonTree text={JSON.stringify(run.output ?? null)} label="earlier output" openDepth={1} testId="history-output" />
                    </div>
                  </details>
                  <Link href={`/tools/${tool.id}?from=${run.id}`} className="text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    Run again with this input
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
