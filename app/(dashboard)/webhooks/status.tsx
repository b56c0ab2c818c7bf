import { Badge } from "@/app/_components/provider-logo";
import type { DeliveryStatus as Status } from "@/db/schema";

const tones = { received: "gray", processing: "amber", retrying: "amber", processed: "green", failed: "red", rejected: "red" } as const;

export function StatusBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status]}>{status}</Badge>;
}

/** The status as a person reads it: a retrying delivery says which attempt failed and when the next one runs. */
export function DeliveryStatus({ status, attempts, nextAttemptAt }: { status: Status; attempts: number; nextAttemptAt: number | null }) {
  return (
    <span data-testid="delivery-status">
      <StatusBadge status={status} />
      {status === "retrying" && nextAttemptAt !== null && (
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {" "}
          (attempt {attempts}, next at {formatTime(nextAttemptAt)})
        </span>
      )}
    </span>
  );
}

export const statusColors: Record<string, string> = {
  processed: "#10b981",
  received: "#94a3b8",
  processing: "#f59e0b",
  retrying: "#f97316",
  failed: "#ef4444",
  rejected: "#be123c",
};

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
