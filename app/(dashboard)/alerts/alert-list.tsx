import Link from "next/link";
import { relativeTime } from "@/app/_components/time";
import { currentTime } from "@/lib/platform/clock";
import type { Alert } from "@/lib/outbox/alerts";
import { ActionForm } from "../webhooks/action-form";
import { acknowledgeAlertAction } from "./actions";

const kindLabel: Record<Alert["kind"], string> = {
  connection_needs_reconnect: "Connection",
  token_refresh_failed: "Token refresh",
  delivery_failed: "Delivery",
  endpoint_failing: "Endpoint",
  forward_failed: "Forwarding",
  automation_failed: "Automation",
};

/** Open alerts, each with a link to what it is about and an Acknowledge button. */
export function AlertList({ alerts, acknowledge = true }: { alerts: Alert[]; acknowledge?: boolean }) {
  const now = currentTime();
  return (
    <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label={acknowledge ? "Open alerts" : "Acknowledged alerts"}>
      {alerts.map((alert) => (
        <li key={alert.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
          <div className="min-w-0 flex-1">
            <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">
              {kindLabel[alert.kind]} · {relativeTime(new Date(alert.createdAt), now)}
            </p>
            <Link href={alert.link} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
              {alert.title}
            </Link>
            {alert.detail && <p className="break-words text-sm text-zinc-600 dark:text-zinc-400">{alert.detail}</p>}
          </div>
          {acknowledge && (
            <ActionForm action={acknowledgeAlertAction} submitLabel="Acknowledge" pendingLabel="…" variant="secondary">
              <input type="hidden" name="alertId" value={alert.id} />
            </ActionForm>
          )}
        </li>
      ))}
    </ul>
  );
}
