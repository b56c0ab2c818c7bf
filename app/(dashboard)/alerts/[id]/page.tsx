import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { relativeTime } from "@/app/_components/time";
import { BackLink, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { getIssue } from "@/lib/outbox/alerts";
import { currentTime } from "@/lib/platform/clock";
import { IssueStatus, kindLabel, mutedNow } from "../alert-list";
import { IssueActions } from "../issue-actions";

export const metadata: Metadata = { title: "Issue" };

function when(at: number, now: number): string {
  return `${new Date(at).toISOString().replace("T", " ").slice(0, 19)} UTC (${relativeTime(new Date(at), now)})`;
}

/** One issue: what failed and why, how often and when, the deliveries it was seen on, and Resolve / Ignore / Mute. */
export default async function IssuePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const found = await getIssue(user.workspaceId, id.data);
  if (!found) notFound();
  const { issue, deliveries } = found;
  const now = currentTime();
  return (
    <>
      <BackLink href="/alerts">Alerts</BackLink>
      <PageHeader title={issue.title} description={`${kindLabel[issue.kind]} issue`} />
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-zinc-600 dark:text-zinc-400">Status</dt>
            <dd>
              <IssueStatus issue={issue} now={now} />
            </dd>
            <dt className="text-zinc-600 dark:text-zinc-400">Seen</dt>
            <dd data-testid="issue-occurrences">{issue.occurrences === 1 ? "once" : `${issue.occurrences} times`}</dd>
            <dt className="text-zinc-600 dark:text-zinc-400">First seen</dt>
            <dd>{when(issue.createdAt, now)}</dd>
            <dt className="text-zinc-600 dark:text-zinc-400">Last seen</dt>
            <dd>{when(issue.lastSeenAt, now)}</dd>
            {issue.openings > 1 && (
              <>
                <dt className="text-zinc-600 dark:text-zinc-400">Reopened</dt>
                <dd>{issue.openings - 1 === 1 ? "once" : `${issue.openings - 1} times`}</dd>
              </>
            )}
          </dl>
          {atLeast(user.role, "member") && <IssueActions issue={issue} muted={mutedNow(issue, now)} />}
        </div>
        {issue.detail && (
          <>
            <h2 className="mt-4 text-sm font-semibold">Latest</h2>
            <p className="break-words text-sm">{issue.detail}</p>
          </>
        )}
        <p className="mt-3 text-sm">
          <Link href={issue.link} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
            Open what failed
          </Link>
        </p>
      </Card>
      {deliveries.length > 0 && (
        <Card className="mt-6">
          <h2 className="mb-2 font-semibold">Affected deliveries</h2>
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Affected deliveries">
            {deliveries.map((delivery) => (
              <li key={delivery.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <Link href={`/webhooks/${delivery.id}`} className="font-mono text-indigo-700 hover:underline dark:text-indigo-300">
                  #{delivery.id} {[delivery.event, delivery.action].filter(Boolean).join(".")}
                </Link>
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  {delivery.status} · seen {relativeTime(new Date(delivery.seenAt), now)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
