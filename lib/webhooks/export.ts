import "server-only";
import { listDeliveries, type DeliveryFilters, type DeliveryListItem } from "./queries";

export const exportFormats = ["csv", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];

const EXPORT_PAGE = 500;

/** Every delivery of the workspace the filters match, newest first, a keyset page at a time (no OFFSET, nothing held in memory). */
export async function* matchingDeliveries(workspaceId: string, filters: DeliveryFilters, now: number): AsyncGenerator<DeliveryListItem> {
  let cursor: string | undefined;
  do {
    const page = await listDeliveries(workspaceId, { ...filters, cursor, after: undefined }, now, EXPORT_PAGE);
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** One exported row: what the log shows, times in ISO 8601 (bodies and headers stay on the delivery's page). */
function exportRecord(item: DeliveryListItem) {
  return {
    id: item.id,
    receivedAt: new Date(item.receivedAt).toISOString(),
    service: item.providerId,
    event: item.event,
    action: item.action,
    repository: item.repository,
    deliveryId: item.deliveryId,
    endpointId: item.endpointId,
    status: item.status,
    verified: item.verified,
    attempts: item.attempts,
    processingMs: item.processingMs,
    error: item.lastError,
    reason: item.reason,
  };
}

type ExportRecord = ReturnType<typeof exportRecord>;
const csvColumns: (keyof ExportRecord)[] = [
  "id",
  "receivedAt",
  "service",
  "event",
  "action",
  "repository",
  "deliveryId",
  "endpointId",
  "status",
  "verified",
  "attempts",
  "processingMs",
  "error",
  "reason",
];

/**
 * A CSV field: quoted when it holds a quote, comma or line break; text a spreadsheet would run as
 * a formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The matching deliveries as a stream of CSV (a header line, then one line per delivery) or of a JSON array. */
export function exportStream(workspaceId: string, filters: DeliveryFilters, format: ExportFormat, now: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = matchingDeliveries(workspaceId, filters, now);
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) {
        if (format === "json") controller.enqueue(encoder.encode(first ? "[]\n" : "\n]\n"));
        else if (first) controller.enqueue(encoder.encode(`${csvColumns.join(",")}\r\n`));
        controller.close();
        return;
      }
      const record = exportRecord(next.value);
      let text: string;
      if (format === "json") text = `${first ? "[\n" : ",\n"}${JSON.stringify(record)}`;
      else text = `${first ? `${csvColumns.join(",")}\r\n` : ""}${csvColumns.map((column) => csvField(record[column])).join(",")}\r\n`;
      first = false;
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
