import type { Metadata } from "next";
import Link from "next/link";
import { LiveRefresh } from "@/app/_components/live-refresh";
import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { currentTime } from "@/lib/platform/clock";
import { deliveryStatuses } from "@/db/schema";
import { listProviders } from "@/lib/providers";
import { countDeliveries, deliveryHistogram, knownEventActions } from "@/lib/webhooks/chart";
import { listViews } from "@/lib/webhooks/views";
import { deliveryFiltersSchema, failedCount, knownEvents, listDeliveries, PAGE_SIZE, type DeliveryFilters } from "@/lib/webhooks/queries";
import { DeliveryChart } from "./chart";
import { DeliveryTable } from "./delivery-table";
import { FilterBar } from "./filters";
import { webhooksHref } from "./href";
import { ReplayFailed } from "./replay-failed";
import { SavedViews } from "./saved-views";
import { formatTime } from "./status";
import { WebhooksNav } from "./sub-nav";

export const metadata: Metadata = { title: "Webhooks" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The filters as strings, without the page: what a bulk action over "these filters" receives. */
function filterFields(filters: DeliveryFilters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters)
      .filter(([name, value]) => name !== "cursor" && name !== "after" && value !== undefined && value !== "")
      .map(([name, value]) => [name, String(value)]),
  );
}

const pageLink = "rounded-md border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";

export default async function WebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const parsed = deliveryFiltersSchema.safeParse(await searchParams);
  const filters: DeliveryFilters = parsed.success ? parsed.data : {};
  const now = currentTime();
  const page = await listDeliveries(user.workspaceId, filters, now);
  const histogram = await deliveryHistogram(user.workspaceId, filters, now);
  const total = await countDeliveries(user.workspaceId, filters, now);
  const failed = await failedCount(user.workspaceId, filters, now);
  const events = [...new Set([...(await knownEvents(user.workspaceId)), ...(await knownEventActions(user.workspaceId, now))])].sort();
  const providers = listProviders().filter((provider) => provider.webhooks);
  const filtered = Object.keys(filterFields(filters)).length > 0;
  const views = await listViews(user);
  const query = webhooksHref({ ...filters, cursor: undefined, after: undefined }).replace(/^\/webhooks\??/, "");
  const totalText = `${total.count.toLocaleString("en")}${total.atLeast ? "+" : ""}`;

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Every delivery your services send, verified and stored before it is acknowledged, then processed with retries."
        actions={<LiveRefresh />}
      />
      <WebhooksNav />
      {!parsed.success && <p className="mb-4 text-sm text-red-700 dark:text-red-400">Some filters were not understood and were ignored.</p>}

      <FilterBar current={filters} providers={providers.map((provider) => [provider.id, provider.name])} events={events} statuses={[...deliveryStatuses]} />
      <SavedViews views={views} query={query} />

      <Card className="mb-4">
        <DeliveryChart histogram={histogram} filters={filters} filtered={filtered} />
      </Card>

      {filters.from !== undefined && (
        <p className="mb-3 text-sm">
          Received {formatTime(filters.from)} to {filters.to !== undefined ? formatTime(filters.to) : "now"} ·{" "}
          <Link
            href={webhooksHref({ ...filters, from: undefined, to: undefined, cursor: undefined, after: undefined })}
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
                Create an endpoint under{" "}
                <Link href="/webhooks/endpoints" className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                  Endpoints
                </Link>{" "}
                and give its URL to a service, register a hook on a GitHub repository, or set a service&apos;s instance-wide secret (
                <Link href="/webhooks/settings" className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                  Settings
                </Link>
                ).
              </p>
            </>
          )}
        </EmptyState>
      ) : (
        <DeliveryTable items={page.items} />
      )}

      <nav aria-label="Pages" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-zinc-600 dark:text-zinc-400" data-testid="delivery-total">
          {page.items.length === 0
            ? `${totalText} ${total.count === 1 ? "delivery" : "deliveries"}`
            : `${page.items.length} shown of ${totalText} ${total.count === 1 ? "delivery" : "deliveries"}${filtered ? " matching" : ""} · ${PAGE_SIZE} a page`}
        </p>
        <div className="flex gap-2">
          {(filters.cursor || filters.after) && (
            <Link href={webhooksHref({ ...filters, cursor: undefined, after: undefined })} className={pageLink}>
              Newest
            </Link>
          )}
          {page.newerCursor && (
            <Link href={webhooksHref({ ...filters, cursor: undefined, after: page.newerCursor })} className={pageLink}>
              ← Newer
            </Link>
          )}
          {page.nextCursor && (
            <Link href={webhooksHref({ ...filters, after: undefined, cursor: page.nextCursor })} className={pageLink}>
              Older →
            </Link>
          )}
        </div>
      </nav>
    </>
  );
}
