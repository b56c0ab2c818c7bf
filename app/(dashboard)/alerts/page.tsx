import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { Card, inputClass, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { listChannels } from "@/lib/outbox/alert-channels";
import { affectedDeliveryCounts, issueCounts, type IssueView, listAlerts } from "@/lib/outbox/alerts";
import { currentTime } from "@/lib/platform/clock";
import { ActionForm } from "../webhooks/action-form";
import { createChannelAction, deleteChannelAction, resolveAllAction } from "./actions";
import { AlertList } from "./alert-list";

export const metadata: Metadata = { title: "Alerts" };

const views: { view: IssueView; label: string; empty: string }[] = [
  { view: "open", label: "Open", empty: "Nothing needs your attention." },
  { view: "muted", label: "Muted", empty: "No muted issues." },
  { view: "ignored", label: "Ignored", empty: "No ignored issues." },
  { view: "resolved", label: "Resolved", empty: "No resolved issues." },
];

const viewSchema = z.enum(["open", "muted", "ignored", "resolved"]).catch("open");

export default async function AlertsPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const user = await requireUser();
  const now = currentTime();
  const view = viewSchema.parse((await searchParams).view);
  const issues = await listAlerts(user.workspaceId, { view, now });
  const affected = await affectedDeliveryCounts(issues.map((issue) => issue.id));
  const counts = await issueCounts(user.workspaceId, now);
  const channels = await listChannels(user.workspaceId);
  const canChange = atLeast(user.role, "member");
  const isAdmin = atLeast(user.role, "admin");
  const current = views.find((entry) => entry.view === view)!;
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Failures grouped by cause into issues: the same source, the same thing failing and the same error (ids and numbers aside) count on one issue, with when it was first and last seen and the deliveries it touched. Channels are told when an issue opens, and again only if it comes back after you resolve it."
      />
      <nav aria-label="Issues by status" className="mb-4 flex flex-wrap gap-2">
        {views.map((entry) => (
          <Link
            key={entry.view}
            href={entry.view === "open" ? "/alerts" : `/alerts?view=${entry.view}`}
            aria-current={entry.view === view ? "page" : undefined}
            className={`rounded-full border px-3 py-1 text-sm ${entry.view === view ? "border-indigo-600 bg-indigo-50 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" : "border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
          >
            {entry.label} ({counts[entry.view]})
          </Link>
        ))}
      </nav>
      <Card>
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-semibold">
            {current.label} issues ({counts[view]})
          </h2>
          {view === "open" && canChange && issues.length > 1 && (
            <ActionForm action={resolveAllAction} submitLabel="Resolve all" variant="secondary" confirm="Resolve every open issue?" />
          )}
        </div>
        {issues.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{current.empty}</p>
        ) : (
          <AlertList alerts={issues} affected={affected} canChange={canChange} label={`${current.label} issues`} />
        )}
      </Card>

      <Card className="mt-6">
        <h2 className="font-semibold">Where issues are sent</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Each issue is sent once to every channel here when it opens, and once more if it comes back after being resolved, with a link to it. URLs receive a
          POST signed with Standard Webhooks (retried like deliveries); Slack channels get a message through the Slack connection of whoever added them.
        </p>
        {channels.length > 0 ? (
          <ul className="mb-4 divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Alert channels">
            {channels.map((channel) => (
              <li key={channel.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0 break-all">
                  <span className="mr-2 font-medium">{channel.kind === "slack" ? "Slack" : "URL"}</span>
                  <code className="font-mono text-xs">{channel.target}</code>
                </span>
                {isAdmin && (
                  <ActionForm action={deleteChannelAction} submitLabel="Remove" variant="danger" confirm="Stop sending alerts here?">
                    <input type="hidden" name="channelId" value={channel.id} />
                  </ActionForm>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">No channels yet.</p>
        )}
        {isAdmin ? (
          <ActionForm action={createChannelAction} submitLabel="Add channel" pendingLabel="Adding…">
            <div className="grid gap-2 sm:grid-cols-[10rem_1fr]">
              <label className="text-sm">
                <span className="mb-1 block font-medium">Kind</span>
                <select name="kind" className={inputClass} defaultValue="webhook">
                  <option value="webhook">URL (signed POST)</option>
                  <option value="slack">Slack channel</option>
                </select>
              </label>
              <label className="text-sm">
                <span className="mb-1 block font-medium">URL or channel</span>
                <input name="target" required className={inputClass} placeholder="https://ops.example.com/patchbay-alerts or #alerts" />
              </label>
            </div>
          </ActionForm>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Admins and owners choose where issues are sent.</p>
        )}
      </Card>
    </>
  );
}
