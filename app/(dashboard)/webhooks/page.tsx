import type { Metadata } from "next";
import Link from "next/link";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Card, EmptyState, inputClass, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { currentTime } from "@/lib/clock";
import { deliveryStatuses } from "@/db/schema";
import { listProviders } from "@/lib/providers";
import { deliveryFiltersSchema, hourlyCounts, knownEvents, listDeliveries, type DeliveryFilters } from "@/lib/webhooks/queries";
import { ActionForm } from "./action-form";
import { replayFailedAction } from "./actions";
import { DeliveryChart } from "./chart";
import { EndpointsSection } from "./endpoints-section";
import { RetentionNote } from "./retention-note";
import { formatTime, StatusBadge } from "./status";

export const metadata: Metadata = { title: "Webhooks" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function query(filters: DeliveryFilters, extra: Partial<DeliveryFilters> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function Select({ name, label, value, options }: { name: string; label: string; value?: string; options: [string, string][] }) {
  return (
    <label className="space-y-1 text-xs font-medium">
      <span>{label}</span>
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">Any</option>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export default async function WebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const parsed = deliveryFiltersSchema.safeParse(await searchParams);
  const filters: DeliveryFilters = parsed.success ? parsed.data : {};
  const now = currentTime();
  const page = listDeliveries(user.id, filters, now);
  const buckets = hourlyCounts(user.id, now);
  const providers = listProviders().filter((provider) => provider.webhooks);
  const filtered = Object.entries(filters).some(([name, value]) => name !== "cursor" && value);

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
        <DeliveryChart buckets={buckets} />
      </Card>

      <form method="get" className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-7" aria-label="Filter deliveries">
        <Select name="provider" label="Service" value={filters.provider} options={providers.map((provider) => [provider.id, provider.name])} />
        <Select name="event" label="Event" value={filters.event} options={knownEvents(user.id).map((event) => [event, event])} />
        <Select name="status" label="Status" value={filters.status} options={deliveryStatuses.map((status) => [status, status])} />
        <Select name="verified" label="Verified" value={filters.verified} options={[["yes", "verified"], ["no", "not verified"]]} />
        <Select name="range" label="Time" value={filters.range} options={[["1h", "last hour"], ["24h", "last 24 hours"], ["7d", "last 7 days"], ["30d", "last 30 days"]]} />
        <label className="space-y-1 text-xs font-medium">
          <span>Delivery id or repository</span>
          <input type="search" name="q" defaultValue={filters.q ?? ""} className={inputClass} placeholder="octocat/hello-world" />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            Filter
          </button>
          {filtered && (
            <Link href="/webhooks" className="px-2 py-2 text-sm text-zinc-600 hover:underline dark:text-zinc-400">
              Clear
            </Link>
          )}
        </div>
      </form>

      {page.items.length === 0 ? (
        <EmptyState title={filtered ? "No deliveries match these filters" : "No deliveries yet"}>
          {filtered ? (
            <p>Try a wider time range or clear the filters.</p>
          ) : (
            <>
              <p>Deliveries appear here the moment they arrive, newest first, with their signature check, status and processing attempts.</p>
              <p>Create an endpoint below and give its URL to a service, register a hook on a GitHub repository, or set a service&apos;s instance-wide secret.</p>
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
                  <td className="px-4 py-2">
                    <StatusBadge status={delivery.status} />
                    {delivery.status === "rejected" && delivery.reason && <span className="block max-w-56 truncate text-xs text-zinc-500">{delivery.reason}</span>}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{delivery.attempts}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{delivery.processingMs === null ? "—" : `${delivery.processingMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}

      <div className="mt-3 flex flex-wrap items-start justify-between gap-3">
        <ActionForm action={replayFailedAction} submitLabel="Replay all failed in this filter" variant="secondary" confirm="Replay every failed delivery that matches the filters?">
          {Object.entries(filters).map(([name, value]) => (value && name !== "cursor" ? <input key={name} type="hidden" name={name} value={String(value)} /> : null))}
        </ActionForm>
        <div className="flex gap-3 text-sm">
          {filters.cursor && (
            <Link href={`/webhooks${query(filters, { cursor: undefined })}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Newest
            </Link>
          )}
          {page.nextCursor && (
            <Link href={`/webhooks${query(filters, { cursor: page.nextCursor })}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Older →
            </Link>
          )}
        </div>
      </div>

      <EndpointsSection userId={user.id} />
    </>
  );
}
