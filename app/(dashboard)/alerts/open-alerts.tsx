import Link from "next/link";
import { Card } from "@/app/_components/ui";
import { listAlerts } from "@/lib/outbox/alerts";
import { AlertList } from "./alert-list";

/** The overview's "needs attention" list: open alerts, newest first, until acknowledged. */
export async function OpenAlerts({ workspaceId }: { workspaceId: string }) {
  const open = await listAlerts(workspaceId, { open: true, limit: 6 });
  if (open.length === 0) return null;
  return (
    <Card className="mb-6 border-amber-300 dark:border-amber-800">
      <div className="mb-1 flex items-center justify-between">
        <h2 className="font-semibold">Needs attention</h2>
        <Link href="/alerts" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          All alerts
        </Link>
      </div>
      <AlertList alerts={open.slice(0, 5)} />
    </Card>
  );
}
