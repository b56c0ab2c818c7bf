import Link from "next/link";
import { Badge } from "@/app/_components/provider-logo";
import { relativeTime } from "@/app/_components/time";
import { currentTime } from "@/lib/platform/clock";
import type { Alert } from "@/lib/outbox/alerts";
import { IssueActions } from "./issue-actions";

export const kindLabel: Record<Alert["kind"], string> = {
  connection_needs_reconnect: "Connection",
  token_refresh_failed: "Token refresh",
  delivery_failed: "Delivery",
  endpoint_failing: "Endpoint",
  forward_failed: "Forwarding",
  automation_failed: "Automation",
};

/** Whether an issue is muted now: a mute that ran out leaves it open. */
export function mutedNow(issue: Alert, now: number): boolean {
  return issue.status === "muted" && (issue.mutedUntil ?? 0) > now;
}

/** The issue's status in words, with a tone: open, muted until ..., ignored, resolved. */
export function IssueStatus({ issue, now }: { issue: Alert; now: number }) {
  if (mutedNow(issue, now)) return <Badge tone="gray">Muted {relativeTime(new Date(issue.mutedUntil!), now).replace(/^in /, "for ")}</Badge>;
  if (issue.status === "resolved") return <Badge tone="green">Resolved</Badge>;
  if (issue.status === "ignored") return <Badge tone="gray">Ignored</Badge>;
  return <Badge tone={issue.openings > 1 ? "red" : "amber"}>{issue.openings > 1 ? "Reopened" : "Open"}</Badge>;
}

/**
 * Issues: failures grouped by cause, each with how often and when it was seen, how many deliveries it
 * touched, and (for those who may change it) Resolve, Ignore and Mute.
 */
export function AlertList({ alerts, affected, canChange, label }: { alerts: Alert[]; affected?: Map<string, number>; canChange: boolean; label: string }) {
  const now = currentTime();
  return (
    <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label={label}>
      {alerts.map((alert) => {
        const deliveries = affected?.get(alert.id) ?? 0;
        return (
          <li key={alert.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
                <span>{kindLabel[alert.kind]}</span>
                <IssueStatus issue={alert} now={now} />
              </p>
              <Link href={`/alerts/${alert.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                {alert.title}
              </Link>
              {alert.detail && <p className="break-words text-sm text-zinc-600 dark:text-zinc-400">{alert.detail}</p>}
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="issue-seen">
                {alert.occurrences === 1 ? "Seen once" : `Seen ${alert.occurrences} times`}
                {deliveries > 0 ? ` on ${deliveries === 1 ? "1 delivery" : `${deliveries} deliveries`}` : ""} · first{" "}
                {relativeTime(new Date(alert.createdAt), now)} · last {relativeTime(new Date(alert.lastSeenAt), now)}
              </p>
            </div>
            {canChange && <IssueActions issue={alert} muted={mutedNow(alert, now)} />}
          </li>
        );
      })}
    </ul>
  );
}
