import type { HourlyBucket } from "@/lib/webhooks/queries";
import { statusColors } from "./status";

const order = ["processed", "received", "processing", "failed", "rejected"];

/** Deliveries per hour over the last 24 hours, stacked by status. */
export function DeliveryChart({ buckets }: { buckets: HourlyBucket[] }) {
  const totals = buckets.map((bucket) => Object.values(bucket.counts).reduce((sum, count) => sum + count, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((sum, count) => sum + count, 0);
  return (
    <figure aria-label={`Deliveries per hour over the last 24 hours: ${total} in all`}>
      <div className="flex h-24 items-end gap-1" role="img" aria-hidden>
        {buckets.map((bucket, index) => (
          <div
            key={bucket.hour}
            className="flex flex-1 flex-col-reverse overflow-hidden rounded-sm bg-zinc-100 dark:bg-zinc-800"
            style={{ height: "100%" }}
            title={`${new Date(bucket.hour).toISOString().slice(11, 16)} UTC: ${totals[index]} (${Object.entries(bucket.counts).map(([status, count]) => `${count} ${status}`).join(", ") || "none"})`}
          >
            {order.map((status) =>
              bucket.counts[status] ? <div key={status} style={{ height: `${(bucket.counts[status]! / max) * 100}%`, backgroundColor: statusColors[status] }} /> : null,
            )}
          </div>
        ))}
      </div>
      <figcaption className="mt-2 flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        <span>Last 24 hours, per hour: {total} deliveries</span>
        <span className="flex flex-wrap gap-3">
          {order.map((status) => (
            <span key={status} className="inline-flex items-center gap-1">
              <span aria-hidden className="h-2 w-2 rounded-sm" style={{ backgroundColor: statusColors[status] }} />
              {status}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}
