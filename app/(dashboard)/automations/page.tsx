import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { atLeast } from "@/lib/auth/workspaces";
import { requireUser } from "@/lib/auth/session";
import { listAutomations } from "@/lib/automations/store";
import { formatTime } from "../webhooks/status";
import { ImportForm } from "./import-form";
import { describeTrigger } from "./summary";

export const metadata: Metadata = { title: "Automations" };

export default async function AutomationsPage() {
  const user = await requireUser();
  const automations = await listAutomations(user.workspaceId);
  const canMake = atLeast(user.role, "member");
  return (
    <>
      <PageHeader
        title="Automations"
        description="When something happens (a webhook delivery, a schedule, or you by hand), run tools, workflows, the agent or a forward, each step's input mapped from what came before."
        actions={
          canMake ? (
            <Link href="/automations/new" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
              New automation
            </Link>
          ) : undefined
        }
      />
      {automations.length === 0 ? (
        <EmptyState title="No automations yet">Make one, or import one someone exported.</EmptyState>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full text-left text-sm" aria-label="Automations">
            <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="hidden px-4 py-2 font-medium md:table-cell">Trigger</th>
                <th className="px-4 py-2 font-medium">Runs</th>
                <th className="hidden px-4 py-2 font-medium sm:table-cell">Last run</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {automations.map((automation) => (
                <tr key={automation.id} data-testid="automation-row">
                  <td className="px-4 py-2">
                    <Badge tone={automation.enabled ? "green" : "gray"}>{automation.enabled ? "enabled" : "paused"}</Badge>
                  </td>
                  <td className="px-4 py-2">
                    <Link href={`/automations/${automation.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {automation.name}
                    </Link>
                  </td>
                  <td className="hidden px-4 py-2 md:table-cell">{describeTrigger(automation.definition.trigger)}</td>
                  <td className="px-4 py-2 whitespace-nowrap">
                    {automation.runs.total} · <span className="text-emerald-700 dark:text-emerald-400">{automation.runs.succeeded} ok</span> ·{" "}
                    <span className="text-red-700 dark:text-red-400">{automation.runs.failed} failed</span>
                  </td>
                  <td className="hidden px-4 py-2 sm:table-cell">{automation.runs.lastAt ? formatTime(automation.runs.lastAt) : "never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {canMake && (
        <Card className="mt-6">
          <h2 className="mb-2 font-medium">Import an automation</h2>
          <ImportForm />
        </Card>
      )}
    </>
  );
}
