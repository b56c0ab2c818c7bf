import Link from "next/link";
import type { Histogram } from "@/lib/webhooks/chart";
import type { DeliveryFilters, Range } from "@/lib/webhooks/queries";
import { webhooksHref } from "./href";
import { statusColors } from "./status";

const order = ["processed", "received", "processing", "retrying", "failed", "rejected"];
const rangeChoices: [Range | undefined, string][] = [
  ["1h", "1 h"],
  ["24h", "24 h"],
  ["7d", "7 d"],
  [undefined, "All"],
];
const rangeNames: Record<Range, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days" };

function bucketLabel(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  if (bucketMs >= 86_400_000) return iso.slice(5, 10);
  if (bucketMs >= 6 * 3_600_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(11, 16);
}

/** The filters the chart follows, in words ("service github, status failed, search “abc”"). */
function filterWords(filters: DeliveryFilters): string {
  const words = [
    filters.provider && `service ${filters.provider}`,
    filters.event && `event ${filters.event}`,
    filters.status && `status ${filters.status}`,
    filters.verified && (filters.verified === "yes" ? "verified" : "not verified"),
    filters.endpoint && `endpoint ${filters.endpoint}`,
    filters.q && `search “${filters.q}”`,
  ].filter(Boolean);
  return words.join(", ");
}

/**
 * Deliveries matching the log's filters and search over the chosen range (the last 30 days under
 * "All"), stacked by status. Each bar links to the list of that bar's deliveries, and stays
 * highlighted while the list shows it; the range links set the time range of both.
 */
export function DeliveryChart({ histogram, filters, filtered }: { histogram: Histogram; filters: DeliveryFilters; filtered: boolean }) {
  const { buckets, bucketMs, total } = histogram;
  const totals = buckets.map((bucket) => Object.values(bucket.counts).reduce((sum, count) => sum + count, 0));
  const max = Math.max(1, ...totals);
  const label = (start: number) => `${bucketLabel(start, bucketMs)}–${bucketLabel(start + bucketMs, bucketMs)} UTC`;
  const span = histogram.all ? "All time (chart: last 30 days)" : rangeNames[histogram.range];
  const matching = filterWords(filters);
  const selected = buckets.find((bucket) => bucket.start === filters.from);
  const { bounded } = histogram;
  const counted = `${total.toLocaleString("en")}${bounded ? "+" : ""}`;
  const caption = `${span}: ${counted} ${total === 1 && !bounded ? "delivery" : "deliveries"}${matching ? ` matching ${matching}` : ""}`;
  /** Under a search that matched more than the chart counts: this bar may lack older matches. */
  const incomplete = (start: number) => bounded !== undefined && start < bounded.completeFrom;
  return (
    <figure aria-label={caption}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <figcaption className="text-sm font-medium" data-testid="chart-caption">
          {caption}
          {bounded && (
            <span className="block text-xs font-normal text-amber-800 dark:text-amber-300" data-testid="chart-bounded">
              The bars count the {bounded.limit.toLocaleString("en")} most recent matches; older matches are left out, so the bars before{" "}
              {bucketLabel(bounded.completeFrom, bucketMs)} UTC (shown faded) may be incomplete.
            </span>
          )}
          {selected && <span className="block text-xs font-normal text-indigo-700 dark:text-indigo-300">Listing the bar {label(selected.start)}</span>}
        </figcaption>
        <nav aria-label="Time range" className="inline-flex rounded-md border border-zinc-300 text-xs dark:border-zinc-700">
          {rangeChoices.map(([range, text]) => {
            const current = filters.range === range && filters.from === undefined;
            return (
              <Link
                key={text}
                href={webhooksHref({ ...filters, range, from: undefined, to: undefined, cursor: undefined, after: undefined })}
                aria-current={current ? "true" : undefined}
                className={`px-2.5 py-1 first:rounded-l-md last:rounded-r-md ${current ? "bg-indigo-600 text-white" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
              >
                {text}
              </Link>
            );
          })}
        </nav>
      </div>
      <div className="flex h-24 items-end gap-px sm:gap-1">
        {buckets.map((bucket, index) => {
          const isSelected = bucket === selected;
          const summary =
            Object.entries(bucket.counts)
              .map(([status, count]) => `${count} ${status}`)
              .join(", ") || "none";
          return (
            <Link
              key={bucket.start}
              href={
                isSelected
                  ? webhooksHref({ ...filters, from: undefined, to: undefined, cursor: undefined, after: undefined })
                  : webhooksHref({ ...filters, from: bucket.start, to: bucket.start + bucketMs, cursor: undefined, after: undefined })
              }
              aria-label={`${label(bucket.start)}: ${totals[index]} deliveries (${summary})${incomplete(bucket.start) ? ", may be incomplete" : ""}${isSelected ? ", listed; select again to list the whole range" : ""}`}
              title={`${label(bucket.start)}: ${totals[index]} (${summary})${incomplete(bucket.start) ? ", may be incomplete" : ""}`}
              data-incomplete={incomplete(bucket.start) ? "true" : undefined}
              aria-current={isSelected ? "true" : undefined}
              data-selected={isSelected ? "true" : undefined}
              className={`flex h-full min-w-0 flex-1 flex-col-reverse overflow-hidden rounded-sm hover:ring-2 hover:ring-indigo-400 ${
                isSelected ? "bg-indigo-100 ring-2 ring-indigo-600 dark:bg-indigo-500/25" : "bg-zinc-100 dark:bg-zinc-800"
              } ${(selected && !isSelected) || incomplete(bucket.start) ? "opacity-40" : ""}`}
            >
              {order.map((status) =>
                bucket.counts[status] ? (
                  <span key={status} className="block" style={{ height: `${(bucket.counts[status]! / max) * 100}%`, backgroundColor: statusColors[status] }} />
                ) : null,
              )}
            </Link>
          );
        })}
      </div>
      <div className="mt-1 flex justify-between text-[11px] text-zinc-600 dark:text-zinc-400">
        <span>{bucketLabel(buckets[0]!.start, bucketMs)}</span>
        <span>now</span>
      </div>
      <p className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        {order.map((status) => (
          <span key={status} className="inline-flex items-center gap-1">
            <span aria-hidden className="h-2 w-2 rounded-sm" style={{ backgroundColor: statusColors[status] }} />
            {status}
          </span>
        ))}
        <span>· click a bar to list its deliveries{filtered ? "; the chart follows the filters and search above" : ""}</span>
      </p>
    </figure>
  );
}
