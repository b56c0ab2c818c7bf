import Link from "next/link";
import { retentionPolicy } from "@/lib/server/retention";

function days(count: number): string {
  return count === 1 ? "1 day" : `${count} days`;
}

/** What Patchbay keeps and for how long, and where forwarding is set up. */
export function RetentionNote() {
  const { webhookDays, runDays } = retentionPolicy();
  return (
    <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400" data-testid="retention-note">
      {webhookDays > 0
        ? `Bodies and headers are kept for ${days(webhookDays)}; after that each delivery keeps its row, status, attempts and delivery id, so a late redelivery is still recognised.`
        : "Bodies and headers are kept forever (WEBHOOK_RETENTION_DAYS=0)."}{" "}
      {runDays > 0 ? `Run inputs and outputs are kept for ${days(runDays)}.` : "Run inputs and outputs are kept forever."}{" "}
      <Link href="/webhooks/forwarding" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Forward deliveries to your own services
      </Link>
    </p>
  );
}
