import Link from "next/link";
import { Card } from "@/app/_components/ui";
import type { DeliveryListItem } from "@/lib/webhooks/queries";
import { DeliveryStatus, formatTime } from "./status";

const head = "px-3 py-2 font-medium";

/** A phone-only label before a value (the table's column headers are hidden there). */
function PhoneLabel({ children }: { children: string }) {
  return <span className="text-zinc-500 md:hidden">{children} </span>;
}

/**
 * The log's rows: a table that fits its card from md up (status first, long values cut with the
 * whole value in a title), and on a phone one stacked block per delivery.
 */
export function DeliveryTable({ items }: { items: DeliveryListItem[] }) {
  return (
    <Card className="p-0">
      <table className="block w-full text-left text-sm md:table md:table-fixed" aria-label="Deliveries">
        <colgroup className="hidden md:table-column-group">
          <col className="w-56" />
          <col />
          <col className="w-32" />
          <col className="w-40" />
          <col className="w-20" />
          <col className="w-24" />
        </colgroup>
        <thead className="hidden border-b border-zinc-200 text-xs uppercase text-zinc-500 md:table-header-group dark:border-zinc-800">
          <tr>
            <th className={head}>Status</th>
            <th className={head}>Event</th>
            <th className={head}>Received</th>
            <th className={head}>Service · delivery</th>
            <th className={head}>Verified</th>
            <th className={`${head} text-right`}>Attempts</th>
          </tr>
        </thead>
        <tbody className="block divide-y divide-zinc-200 md:table-row-group dark:divide-zinc-800">
          {items.map((delivery) => {
            const [date, time] = formatTime(delivery.receivedAt).split(" ");
            const event = `${delivery.event ?? "—"}${delivery.action ? `.${delivery.action}` : ""}`;
            return (
              <tr
                key={delivery.id}
                className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-1 px-4 py-3 hover:bg-zinc-50 md:table-row md:p-0 dark:hover:bg-zinc-800/50"
              >
                <td className="min-w-0 md:px-3 md:py-2 md:align-top">
                  <DeliveryStatus status={delivery.status} attempts={delivery.attempts} nextAttemptAt={delivery.nextAttemptAt} />
                  {delivery.status === "rejected" && delivery.reason && (
                    <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={delivery.reason}>
                      {delivery.reason}
                    </span>
                  )}
                  {(delivery.status === "retrying" || delivery.status === "failed") && delivery.lastError && (
                    <span className="block truncate text-xs text-red-700 dark:text-red-400" title={delivery.lastError}>
                      {delivery.lastError}
                    </span>
                  )}
                </td>
                <td className="col-span-2 row-start-2 min-w-0 font-mono text-xs md:px-3 md:py-2 md:align-top">
                  <span className="block truncate" title={event}>
                    {event}
                  </span>
                  {delivery.repository && (
                    <span className="block truncate text-zinc-600 dark:text-zinc-400" title={delivery.repository}>
                      {delivery.repository}
                    </span>
                  )}
                </td>
                <td className="col-start-2 row-start-1 text-right md:px-3 md:py-2 md:text-left md:align-top">
                  <Link href={`/webhooks/${delivery.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                    <span className="whitespace-nowrap">{date}</span> <span className="whitespace-nowrap">{time} UTC</span>
                  </Link>
                </td>
                <td className="col-span-2 min-w-0 text-xs md:px-3 md:py-2 md:align-top">
                  <span className="md:block">{delivery.providerId}</span>
                  <span className="md:hidden"> · </span>
                  <span className="font-mono text-zinc-600 md:block md:truncate dark:text-zinc-400" title={delivery.deliveryId ?? undefined}>
                    {delivery.deliveryId ?? "—"}
                  </span>
                </td>
                <td className="text-xs md:px-3 md:py-2 md:align-top md:text-sm">
                  <PhoneLabel>Verified</PhoneLabel>
                  {delivery.verified ? "yes" : <span title={delivery.reason ?? undefined}>no</span>}
                </td>
                <td className="text-right text-xs tabular-nums md:px-3 md:py-2 md:align-top md:text-sm">
                  <PhoneLabel>Attempts</PhoneLabel>
                  {delivery.attempts}
                  <span className="block text-xs text-zinc-600 max-md:inline dark:text-zinc-400">
                    <span className="md:hidden"> · </span>
                    {delivery.processingMs === null ? "—" : `${delivery.processingMs} ms`}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}
