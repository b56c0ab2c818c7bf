import type { Metadata } from "next";
import Link from "next/link";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { currentTime } from "@/lib/platform/clock";
import { deliveryStatuses } from "@/db/schema";
import { listProviders } from "@/lib/providers";
import { deliveryFiltersSchema, deliveryHistogram, failedCount, knownEvents, listDeliveries, type DeliveryFilters } from "@/lib/webhooks/queries";
import { DeliveryChart } from "./chart";
import { atLeast } from "@/lib/auth/workspaces";
import { EndpointsSection } from "./endpoints-section";
import { FilterBar } from "./filters";
import { webhooksHref } from "./href";
import { ReplayFailed } from "./replay-failed";
import { DeliveryStatus, formatTime } from "./status";
import { RetentionNote } from "./retention-note";

export const metadata: Metadata = { title: "Webhooks" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The filters as strings, without the cursor: what a bulk action over "these filters" receives. */
function filterFields(filters: DeliveryFilters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters)
      .filter(([name, value]) => name !== "cursor" && value !== undefined && value !== "")
      .map(([name, value]) => [name, String(value)]),
  );
}

export default async function WebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const parsed = deliveryFiltersSchema.safeParse(await searchParams);
  const filters: DeliveryFilters = parsed.success ? parsed.data : {};
  const now = currentTime();
  const page = await listDeliveries(user.workspaceId, filters, now);
  const histogram = await deliveryHistogram(user.workspaceId, filters.range ?? "24h", now);
  const failed = await failedCount(user.workspaceId, filters, now);
  const events = await knownEvents(user.workspaceId);
  const providers = listProviders().filter((provider) => provider.webhooks);
  const filtered = Object.keys(filterFields(filters)).length > 0;

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Every delivery your services send, verified and stored before it is acknowledged, then processed with retries."
        actions={<LiveRefresh />}
      />
      <RetentionNote />
      {!parsed.success && <p className="mb-4 text-sm text-red-700 dark:text-red-400">Some filters were not understood and were ignored.</p>}

      <Card className="mb-6">
        <DeliveryChart histogram={histogram} filters={filters} />
      </Card>

      <FilterBar current={filters} providers={providers.map((provider) => [provider.id, provider.name])} events={events} statuses={[...deliveryStatuses]} />
      {filters.from !== undefined && (
        <p className="mb-3 text-sm">
          Received {formatTime(filters.from)} to {filters.to !== undefined ? formatTime(filters.to) : "now"} ·{" "}
          <Link
            href={webhooksHref({ ...filters, from: undefined, to: undefined, cursor: undefined })}
            className="text-indigo-600 hover:underline dark:text-indigo-400"
          >
            any time in the range
          </Link>
        </p>
      )}

      <div className="mb-3">
        <ReplayFailed count={failed} filters={filterFields(filters)} />
      </div>

      {page.items.length === 0 ? (
        <EmptyState title={filtered ? "No deliveries match these filters" : "No deliveries yet"}>
          {filtered ? (
            <p>Try a wider time range or clear the filters.</p>
          ) : (
            <>
              <p>Deliveries appear here the moment they arrive, newest first, with their signature check, status and processing attempts.</p>
              <p>
                Create an endpoint below and give its URL to a service, register a hook on a GitHub repository, or set a service&apos;s instance-wide secret.
              </p>
            </>
          )}
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full text-left text-sm" aria-label="Deliveries">
            <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Received</th>
                <th className="px-4 py-2 font-medium">Service</th>
                <th className="px-4 py-2 font-medium">Event</th>
                <th className="px-4 py-2 font-medium">Delivery</th>
                <th className="px-4 py-2 font-medium">Verified</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 text-right font-medium">Attempts</th>
                <th className="px-4 py-2 text-right font-medium">Processing</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {page.items.map((delivery) => (
                <tr key={delivery.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                  <td className="whitespace-nowrap px-4 py-2">
                    <Link href={`/webhooks/${delivery.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {formatTime(delivery.receivedAt)}
                    </Link>
                  </td>
                  <td className="px-4 py-2">{delivery.providerId}</td>
                  <td className="px-4 py-2 font-mono text-xs">
                    {delivery.event ?? "—"}
                    {delivery.action ? `.${delivery.action}` : ""}
                    {delivery.repository && <span className="block text-zinc-500">{delivery.repository}</span>}
                  </td>
                  <td className="max-w-40 truncate px-4 py-2 font-mono text-xs" title={delivery.deliveryId ?? undefined}>
                    {delivery.deliveryId ?? "—"}
                  </td>
                  <td className="px-4 py-2">{delivery.verified ? "yes" : <span title={delivery.reason ?? undefined}>no</span>}</td>
                  <td className="min-w-48 px-4 py-2">
                    <DeliveryStatus status={delivery.status} attempts={delivery.attempts} nextAttemptAt={delivery.nextAttemptAt} />
                    {delivery.status === "rejected" && delivery.reason && (
                      <span className="block max-w-56 truncate text-xs text-zinc-500">{delivery.reason}</span>
                    )}
                    {(delivery.status === "retrying" || delivery.status === "failed") && delivery.lastError && (
                      <span className="block max-w-64 truncate text-xs text-red-700 dark:text-red-400" title={delivery.lastError}>
                        {delivery.lastError}
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{delivery.attempts}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{delivery.processingMs === null ? "—" : `${delivery.processingMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}

      <nav aria-label="Pages" className="mt-3 flex justify-end gap-3 text-sm">
        {filters.cursor && (
          <Link href={webhooksHref({ ...filters, cursor: undefined })} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            ← Newest
          </Link>
        )}
        {page.nextCursor && (
          <Link href={webhooksHref({ ...filters, cursor: page.nextCursor })} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Older →
          </Link>
        )}
      </nav>

      {atLeast(user.role, "admin") ? (
        <EndpointsSection actor={user} />
      ) : (
        <p className="mt-10 text-sm text-zinc-600 dark:text-zinc-400">Endpoints and forwarding are managed by the workspace&apos;s admins.</p>
      )}
    </>
  );
}
