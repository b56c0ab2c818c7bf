import Link from "next/link";
import { Card } from "@/app/_components/ui";
import type { Member } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { affectedDeliveryCounts, listAlerts } from "@/lib/outbox/alerts";
import { AlertList } from "./alert-list";

/** The overview's "needs attention" list: open issues, most recently seen first, until resolved, ignored or muted. */
export async function OpenAlerts({ user, open }: { user: Member; open: number }) {
  if (open === 0) return null;
  const issues = await listAlerts(user.workspaceId, { view: "open", limit: 5 });
  const affected = await affectedDeliveryCounts(issues.map((issue) => issue.id));
  return (
    <Card className="mb-6 border-amber-300 dark:border-amber-800">
      <div className="mb-1 flex items-center justify-between">
        <h2 className="font-semibold">Needs attention</h2>
        <Link href="/alerts" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          All {open} open {open === 1 ? "issue" : "issues"}
        </Link>
      </div>
      <AlertList alerts={issues} affected={affected} canChange={atLeast(user.role, "member")} label="Open issues" />
    </Card>
  );
}
