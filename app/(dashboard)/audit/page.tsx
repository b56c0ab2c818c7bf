import type { Metadata } from "next";
import Link from "next/link";
import { NotAllowed } from "@/app/_components/not-allowed";
import { Button, Card, EmptyState, inputClass, PageHeader } from "@/app/_components/ui";
import { AUDIT_PAGE_SIZE, auditActions, listAudit } from "@/lib/auth/audit";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { env } from "@/lib/platform/env";

export const metadata: Metadata = { title: "Audit log" };

type Search = { action?: string; actor?: string; before?: string };

function label(action: string): string {
  return action.replaceAll("_", " ");
}

function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser();
  if (!atLeast(user.role, "admin")) return <NotAllowed title="Audit log" role={user.role} needs="admin" workspaceName={user.workspaceName} />;
  const search = await searchParams;
  const action = auditActions.find((known) => known === search.action);
  const actor = typeof search.actor === "string" ? search.actor.slice(0, 200) : undefined;
  const before = Number(search.before) > 0 ? Number(search.before) : undefined;
  const entries = await listAudit(user.workspaceId, { action, actor, before });
  const older = entries.length === AUDIT_PAGE_SIZE ? entries.at(-1)!.id : undefined;
  const days = env().AUDIT_RETENTION_DAYS;
  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who did what in ${user.workspaceName}, and when. Entries are kept ${days > 0 ? `${days} days` : "forever"} (AUDIT_RETENTION_DAYS) and never hold a secret.`}
      />
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="audit-action" className="mb-1 block text-sm font-medium">
            Action
          </label>
          <select id="audit-action" name="action" defaultValue={action ?? ""} className={`${inputClass} w-auto`}>
            <option value="">Any</option>
            {auditActions.map((known) => (
              <option key={known} value={known}>
                {label(known)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="mb-1 block text-sm font-medium">
            Who (email)
          </label>
          <input id="audit-actor" name="actor" defaultValue={actor ?? ""} className={`${inputClass} w-56`} />
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded">No entries match.</EmptyState>
      ) : (
        <Card>
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Audit entries">
            {entries.map((entry) => (
              <li key={entry.id} className="grid gap-1 py-2 text-sm sm:grid-cols-[11rem_1fr]" data-testid="audit-entry">
                <time className="text-xs text-zinc-500" dateTime={new Date(entry.at).toISOString()}>
                  {new Date(entry.at).toISOString().replace("T", " ").slice(0, 19)} UTC
                </time>
                <span className="min-w-0 break-words">
                  <span className="font-medium">{entry.actorLabel}</span> {label(entry.action)}
                  {entry.target && <span className="text-zinc-600 dark:text-zinc-400"> · {entry.target}</span>}
                  {Object.keys(entry.detail).length > 0 && <span className="text-xs text-zinc-500"> ({describe(entry.detail)})</span>}
                </span>
              </li>
            ))}
          </ul>
          {older && (
            <Link
              className="mt-3 inline-block text-sm underline"
              href={`/audit?${new URLSearchParams({ ...(action ? { action } : {}), ...(actor ? { actor } : {}), before: String(older) })}`}
            >
              Older entries
            </Link>
          )}
        </Card>
      )}
    </>
  );
}
