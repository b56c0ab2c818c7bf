import type { Metadata } from "next";
import { Card, inputClass, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { listAlerts, listChannels } from "@/lib/outbox/alerts";
import { ActionForm } from "../webhooks/action-form";
import { acknowledgeAllAction, createChannelAction, deleteChannelAction } from "./actions";
import { AlertList } from "./alert-list";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const user = await requireUser();
  const open = await listAlerts(user.workspaceId, { open: true });
  const acknowledged = await listAlerts(user.workspaceId, { open: false, limit: 20 });
  const channels = await listChannels(user.workspaceId);
  return (
    <>
      <PageHeader
        title="Alerts"
        description="A connection that needs reconnecting, a token refresh that failed, a delivery that failed for good, an endpoint whose deliveries keep failing, a forward that could not be delivered. Each is raised once and stays until you acknowledge it."
      />
      <Card>
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-semibold">Open ({open.length})</h2>
          {open.length > 1 && <ActionForm action={acknowledgeAllAction} submitLabel="Acknowledge all" variant="secondary" />}
        </div>
        {open.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing needs your attention.</p> : <AlertList alerts={open} />}
      </Card>

      <Card className="mt-6">
        <h2 className="font-semibold">Where alerts are sent</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Each new alert is sent once to every channel here, with a link back. URLs receive a POST signed with Standard Webhooks (retried like deliveries);
          Slack channels get a message through your Slack connection.
        </p>
        {channels.length > 0 && (
          <ul className="mb-4 divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Alert channels">
            {channels.map((channel) => (
              <li key={channel.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0 break-all">
                  <span className="mr-2 font-medium">{channel.kind === "slack" ? "Slack" : "URL"}</span>
                  <code className="font-mono text-xs">{channel.target}</code>
                </span>
                <ActionForm action={deleteChannelAction} submitLabel="Remove" variant="danger" confirm="Stop sending alerts here?">
                  <input type="hidden" name="channelId" value={channel.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
        )}
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
      </Card>

      {acknowledged.length > 0 && (
        <Card className="mt-6">
          <h2 className="mb-2 font-semibold">Recently acknowledged</h2>
          <AlertList alerts={acknowledged} acknowledge={false} />
        </Card>
      )}
    </>
  );
}
