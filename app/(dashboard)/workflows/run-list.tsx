import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card } from "@/app/_components/ui";
import type { WorkflowRunRow } from "@/lib/runs/workflow-runs";
import { formatTime } from "../webhooks/status";

const tone = { running: "amber", success: "green", failed: "red" } as const;

export function RunList({ runs, emptyText }: { runs: WorkflowRunRow[]; emptyText: string }) {
  if (runs.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">{emptyText}</p>;
  return (
    <Card className="overflow-x-auto p-0">
      <table className="w-full text-left text-sm" aria-label="Workflow runs">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="px-4 py-2 font-medium">Started</th>
            <th className="px-4 py-2 font-medium">Workflow</th>
            <th className="px-4 py-2 font-medium">Trigger</th>
            <th className="px-4 py-2 font-medium">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {runs.map((run) => (
            <tr key={run.id}>
              <td className="px-4 py-2">
                <Link href={`/runs/${run.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  {formatTime(run.startedAt)}
                </Link>
              </td>
              <td className="px-4 py-2 font-mono text-xs">{run.workflowId}</td>
              <td className="px-4 py-2">
                {run.trigger}
                {run.deliveryId && (
                  <Link href={`/webhooks/${run.deliveryId}`} className="ml-1 text-xs text-indigo-600 hover:underline dark:text-indigo-400">
                    delivery #{run.deliveryId}
                  </Link>
                )}
              </td>
              <td className="px-4 py-2">
                <Badge tone={tone[run.status]}>{run.status}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
