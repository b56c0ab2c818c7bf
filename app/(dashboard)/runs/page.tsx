import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { automationRunItems } from "@/lib/automations/run-list";
import { runCounts } from "@/lib/automations/run-counts";
import { listRuns, RUNS_PAGE_SIZE, runFiltersSchema, runNames } from "@/lib/runs/runs";
import { formatTime } from "../webhooks/status";
import { RunFilters } from "./run-filters";

export const metadata: Metadata = { title: "Runs" };

const tone = { running: "amber", succeeded: "green", failed: "red" } as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunsPage({ searchParams }: Props) {
  const user = await requireUser();
  const raw = await searchParams;
  const filters = runFiltersSchema.parse(Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])));
  const { items, next } = await listRuns(user.workspaceId, filters, RUNS_PAGE_SIZE, automationRunItems);
  const counts = await runCounts(user.workspaceId);
  const olderQuery = new URLSearchParams(
    Object.entries({ ...filters, before: next }).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])),
  );
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every automation, tool and workflow run, by hand, on a schedule or from a webhook, newest first: one run per event, its retries inside it."
      />
      <p className="mb-3 text-sm text-zinc-700 dark:text-zinc-300" data-testid="run-counts">
        Last 24 hours: {counts.total} runs, {counts.failed} failed, {counts.running} running or waiting to retry.
      </p>
      <RunFilters names={await runNames(user.workspaceId)} />
      {items.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No runs match. Run a tool or start a workflow, or clear the filters.</p>
      ) : (
        <Card className="p-0">
          <table className="w-full table-fixed text-left text-sm" aria-label="Runs">
            <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="w-28 px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">What</th>
                <th className="hidden w-44 px-3 py-2 font-medium md:table-cell">Started</th>
                <th className="hidden w-40 px-3 py-2 font-medium sm:table-cell">Started by</th>
                <th className="hidden px-3 py-2 font-medium lg:table-cell">Error</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {items.map((run) => (
                <tr key={`${run.kind}-${run.id}`} data-testid="run-row" className="align-top">
                  <td className="px-3 py-2">
                    <Badge tone={tone[run.status]}>{run.status}</Badge>
                  </td>
                  <td className="px-3 py-2 break-words">
                    <Link href={run.href} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {run.name}
                    </Link>{" "}
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">{run.kind}</span>
                    <span className="block text-xs text-zinc-600 md:hidden dark:text-zinc-400">{formatTime(run.startedAt)}</span>
                    {run.error && <span className="block truncate text-xs text-red-700 lg:hidden dark:text-red-400">{run.error}</span>}
                  </td>
                  <td className="hidden px-3 py-2 whitespace-nowrap md:table-cell">
                    {formatTime(run.startedAt)}
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">{run.durationMs === null ? "…" : `${run.durationMs} ms`}</span>
                  </td>
                  <td className="hidden px-3 py-2 sm:table-cell">
                    {run.deliveryId ? (
                      <Link href={`/webhooks/${run.deliveryId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                        delivery #{run.deliveryId}
                      </Link>
                    ) : run.trigger === "manual" ? (
                      "hand"
                    ) : run.trigger === "mcp" ? (
                      "MCP client"
                    ) : (
                      run.trigger
                    )}
                    {run.kind === "automation" && run.deliveryId && <span className="block text-xs text-zinc-600 dark:text-zinc-400">{run.trigger}</span>}
                  </td>
                  <td className="hidden truncate px-3 py-2 text-red-700 lg:table-cell dark:text-red-400" title={run.error ?? undefined}>
                    {run.error ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {next && (
        <p className="mt-3 text-sm">
          <Link href={`/runs?${olderQuery}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Older runs →
          </Link>
        </p>
      )}
    </>
  );
}
