import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { listRuns, runFiltersSchema, runNames } from "@/lib/runs/runs";
import { formatTime } from "../webhooks/status";
import { RunFilters } from "./run-filters";

export const metadata: Metadata = { title: "Runs" };

const tone = { running: "amber", succeeded: "green", failed: "red" } as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunsPage({ searchParams }: Props) {
  const user = await requireUser();
  const raw = await searchParams;
  const filters = runFiltersSchema.parse(Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])));
  const { items, next } = await listRuns(user.workspaceId, filters);
  const olderQuery = new URLSearchParams(
    Object.entries({ ...filters, before: next }).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])),
  );
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every tool and workflow run, by hand or from a webhook, newest first. Open one for its input, output, timing and the account it acted as."
      />
      <RunFilters names={await runNames(user.workspaceId)} />
      {items.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No runs match. Run a tool or start a workflow, or clear the filters.</p>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full text-left text-sm" aria-label="Runs">
            <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Started</th>
                <th className="px-4 py-2 font-medium">What</th>
                <th className="px-4 py-2 font-medium">Started by</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="hidden px-4 py-2 font-medium sm:table-cell">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {items.map((run) => (
                <tr key={`${run.kind}-${run.id}`} data-testid="run-row">
                  <td className="whitespace-nowrap px-4 py-2">
                    <Link href={`/runs/${run.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {formatTime(run.startedAt)}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    <span className="font-mono text-xs">{run.name}</span> <span className="text-xs text-zinc-500">{run.kind}</span>
                  </td>
                  <td className="px-4 py-2">
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
                  </td>
                  <td className="px-4 py-2">
                    <Badge tone={tone[run.status]}>{run.status}</Badge>
                  </td>
                  <td className="hidden px-4 py-2 text-zinc-500 sm:table-cell">{run.durationMs === null ? "…" : `${run.durationMs} ms`}</td>
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
