import "server-only";
import { and, asc, count, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { db, rows } from "@/db/client";
import { indexedMatches, listColumns, newestMatching, searchMatches } from "@/db/sql/delivery-search";
import { deliveryStatuses, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { withoutInternalHeaders } from "./redact";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value === undefined || Array.isArray(value) ? undefined : value), schema.optional());

const epochMs = z.coerce.number().int().min(0).max(8_640_000_000_000);

export const ranges = ["1h", "24h", "7d", "30d"] as const;
export type Range = (typeof ranges)[number];

/** The log viewer's filters, parsed from the query string. */
export const deliveryFiltersSchema = z.object({
  provider: optional(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/)),
  /** An event name (`push`, `invoice.paid`) or an event with its action (`pull_request.opened`). */
  event: optional(z.string().trim().max(100)),
  status: optional(z.enum(deliveryStatuses)),
  verified: optional(z.enum(["yes", "no"])),
  range: optional(z.enum(ranges)),
  /** One bar of the chart: received in [from, to). */
  from: optional(epochMs),
  to: optional(epochMs),
  endpoint: optional(z.string().regex(/^[\w-]{1,64}$/)),
  q: optional(z.string().trim().min(1).max(200)),
  /** Older than this row ("receivedAt.id"): the next page. */
  cursor: optional(z.string().regex(/^\d{1,15}\.\d{1,15}$/)),
  /** Newer than this row: the page before (Newer). */
  after: optional(z.string().regex(/^\d{1,15}\.\d{1,15}$/)),
});

export type DeliveryFilters = z.infer<typeof deliveryFiltersSchema>;

export const HOUR = 3_600_000;
export const rangeMs: Record<Range, number> = { "1h": HOUR, "24h": 24 * HOUR, "7d": 7 * 24 * HOUR, "30d": 30 * 24 * HOUR };

/** Trigrams need three characters; shorter terms search delivery ids and repositories by prefix. */
const MIN_INDEXED_TERM = 3;

/** For the tests: the search condition, to check which index a plan uses. */
export const searchMatchesForTest = searchMatches;

/** The columns a filter of the log reads: the deliveries' own, or the chart's hourly counts (lib/webhooks/chart.ts). */
export type FilterColumns = {
  workspaceId: SQLiteColumn;
  providerId: SQLiteColumn;
  endpointId: SQLiteColumn;
  event: SQLiteColumn;
  action: SQLiteColumn;
  verified: SQLiteColumn;
  status: SQLiteColumn;
};

/** Text starting with `prefix`, as a range an index can read. */
function startsWith(column: SQLiteColumn, prefix: string): SQL {
  return and(gte(column, prefix), lt(column, `${prefix}\uffff`))!;
}

/**
 * The Event filter, applied as it is typed: events starting with the text (`pull` finds
 * `pull_request`), or an event with its action (`pull_request.op` finds `pull_request.opened`).
 * Stripe's event names contain dots themselves, so `invoice.pa` may be the start of a whole event name.
 */
function eventCondition(columns: FilterColumns, value: string): SQL {
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return startsWith(columns.event, value);
  return or(startsWith(columns.event, value), and(eq(columns.event, value.slice(0, dot)), startsWith(columns.action, value.slice(dot + 1))))!;
}

/** The workspace and the filters on what a delivery is (service, event, status, verified, endpoint): no time, no search. */
export function attributeConditions(columns: FilterColumns, workspaceId: string, filters: DeliveryFilters): SQL[] {
  const where: SQL[] = [eq(columns.workspaceId, workspaceId)];
  if (filters.provider) where.push(eq(columns.providerId, filters.provider));
  if (filters.event) where.push(eventCondition(columns, filters.event));
  if (filters.status) where.push(eq(columns.status, filters.status));
  if (filters.verified) where.push(eq(columns.verified, filters.verified === "yes"));
  if (filters.endpoint) where.push(eq(columns.endpointId, filters.endpoint));
  return where;
}

/** Where the chosen range starts (range and a chart bar's from), or undefined for all time. */
export function rangeStart(filters: DeliveryFilters, now: number): number | undefined {
  const starts = [filters.range ? now - rangeMs[filters.range] : undefined, filters.from].filter((value): value is number => value !== undefined);
  return starts.length > 0 ? Math.max(...starts) : undefined;
}

/** Every filter except the search term and the cursor, as conditions on webhook_deliveries. */
function conditions(workspaceId: string, filters: DeliveryFilters, now: number): SQL[] {
  const where = attributeConditions(webhookDeliveries, workspaceId, filters);
  if (filters.range) where.push(gte(webhookDeliveries.receivedAt, now - rangeMs[filters.range]));
  if (filters.from !== undefined) where.push(gte(webhookDeliveries.receivedAt, filters.from));
  if (filters.to !== undefined) where.push(lt(webhookDeliveries.receivedAt, filters.to));
  if (filters.q && filters.q.length < MIN_INDEXED_TERM) where.push(prefixSearch(filters.q));
  return where;
}

function prefixSearch(term: string): SQL {
  return or(
    and(gte(webhookDeliveries.deliveryId, term), lt(webhookDeliveries.deliveryId, `${term}\uffff`)),
    and(gte(webhookDeliveries.repository, term), lt(webhookDeliveries.repository, `${term}\uffff`)),
  )!;
}

const indexedTerm = (filters: DeliveryFilters) => (filters.q && filters.q.length >= MIN_INDEXED_TERM ? filters.q : undefined);

/** For counts and bulk actions: the matching ids of the search index as a subquery. */
export async function allConditions(workspaceId: string, filters: DeliveryFilters, now: number): Promise<SQL[]> {
  const where = conditions(workspaceId, filters, now);
  const term = indexedTerm(filters);
  if (term) where.push(await searchMatches(term));
  return where;
}

/**
 * The newest `limit` deliveries (by id) matching the filters and the search, as a subquery of their
 * id, receivedAt and status: the chart's counts under a search (lib/webhooks/chart.ts).
 */
export async function newestMatches(workspaceId: string, filters: DeliveryFilters, now: number, limit: number) {
  return await newestMatching(indexedTerm(filters), conditions(workspaceId, filters, now), limit);
}

export const PAGE_SIZE = 50;

function parseCursor(cursor: string): [number, number] {
  return cursor.split(".").map(Number) as [number, number];
}

/**
 * One page of this user's deliveries, newest first, by keyset (received_at, id): no OFFSET, so deep
 * pages stay fast. `cursor` pages to older rows, `after` back to newer ones (read oldest first,
 * then turned round). A search walks the trigram index by id (which grows with arrival) and stops
 * once the page is full, so a term matching most rows costs no more than a rare one.
 */
export async function listDeliveries(workspaceId: string, filters: DeliveryFilters, now = Date.now(), pageSize = PAGE_SIZE) {
  const term = indexedTerm(filters);
  const newer = filters.after !== undefined;
  const found = term ? await searchPage(workspaceId, filters, term, now, pageSize + 1) : await timePage(workspaceId, filters, now, pageSize + 1);
  const more = found.length > pageSize;
  const page = newer ? found.slice(0, pageSize).reverse() : found.slice(0, pageSize);
  const first = page.at(0);
  const last = page.at(-1);
  const at = (row: { receivedAt: number; id: number }) => `${row.receivedAt}.${row.id}`;
  return {
    items: page,
    /** Older rows exist: the next page's cursor. */
    nextCursor: last && (newer || more) ? at(last) : undefined,
    /** Newer rows exist: the previous page's `after`. */
    newerCursor: first && (newer ? more : filters.cursor !== undefined) ? at(first) : undefined,
  };
}

async function timePage(workspaceId: string, filters: DeliveryFilters, now: number, limit: number) {
  const where = conditions(workspaceId, filters, now);
  const newer = filters.after !== undefined;
  if (filters.after) {
    const [at, id] = parseCursor(filters.after);
    where.push(sql`(${webhookDeliveries.receivedAt}, ${webhookDeliveries.id}) > (${at}, ${id})`);
  } else if (filters.cursor) {
    const [at, id] = parseCursor(filters.cursor);
    where.push(sql`(${webhookDeliveries.receivedAt}, ${webhookDeliveries.id}) < (${at}, ${id})`);
  }
  const order = newer ? asc : desc;
  return await db()
    .select(listColumns)
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(order(webhookDeliveries.receivedAt), order(webhookDeliveries.id))
    .limit(limit);
}

/**
 * Search results by id, newest first (oldest first after `after`). Deliveries still waiting for
 * their first attempt are not in the index yet (see migration 0004), so those few are matched by
 * delivery id or repository prefix and merged in.
 */
async function searchPage(workspaceId: string, filters: DeliveryFilters, term: string, now: number, limit: number) {
  const newer = filters.after !== undefined;
  const bound = filters.after
    ? [gt(webhookDeliveries.id, parseCursor(filters.after)[1])]
    : filters.cursor
      ? [lt(webhookDeliveries.id, parseCursor(filters.cursor)[1])]
      : [];
  const indexed = await indexedMatches(term, [...conditions(workspaceId, filters, now), ...bound], limit, newer);
  const waiting = await db()
    .select(listColumns)
    .from(webhookDeliveries)
    .where(
      and(...conditions(workspaceId, filters, now), eq(webhookDeliveries.status, "received"), eq(webhookDeliveries.attempts, 0), prefixSearch(term), ...bound),
    )
    .orderBy((newer ? asc : desc)(webhookDeliveries.id))
    .limit(limit);
  const byId = new Map([...indexed, ...waiting].map((row) => [row.id, row]));
  return [...byId.values()].sort((a, b) => (newer ? a.id - b.id : b.id - a.id)).slice(0, limit);
}

export type DeliveryListItem = Awaited<ReturnType<typeof listDeliveries>>["items"][number];

/**
 * The events this user has seen, for the filter's suggestions (up to 200). A loose index scan:
 * each step asks the (user, event) index for the next event after the last one, so the cost is
 * one index probe per distinct event, not a pass over every delivery (PostgreSQL has no skip
 * scan of its own: a plain DISTINCT read all of a million rows, 333 ms in bench/log-viewer-pg.ts).
 */
export async function knownEvents(workspaceId: string): Promise<string[]> {
  const found = await rows<{ event: string | null }>(sql`
    with recursive seen(event) as (
      select (select min(event) from webhook_deliveries where workspace_id = ${workspaceId})
      union all
      select (select min(event) from webhook_deliveries where workspace_id = ${workspaceId} and event > seen.event)
      from seen where seen.event is not null
    )
    select event from seen where event is not null limit 200`);
  return found
    .map((row) => row.event)
    .filter((event): event is string => Boolean(event))
    .sort();
}

export async function getDelivery(workspaceId: string, id: number) {
  const [delivery] = await db()
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.workspaceId, workspaceId)))
    .limit(1);
  if (!delivery) return undefined;
  const attempts = await db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(asc(webhookAttempts.number));
  return { delivery: { ...delivery, headers: withoutInternalHeaders(delivery.headers) }, attempts };
}

export const REPLAY_LIMIT = 1000;

/** Ids of this user's failed deliveries that match the filters (for "replay all failed"). */
export async function failedIds(workspaceId: string, filters: DeliveryFilters, now = Date.now(), limit = REPLAY_LIMIT): Promise<number[]> {
  return (
    await db()
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(...(await allConditions(workspaceId, { ...filters, status: "failed", cursor: undefined, after: undefined }, now))))
      .limit(limit)
  ).map((row) => row.id);
}

/** How many failed deliveries match the filters, counted up to `limit` (what one replay would take). */
export async function failedCount(workspaceId: string, filters: DeliveryFilters, now = Date.now(), limit = REPLAY_LIMIT): Promise<number> {
  const matching = db()
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(...(await allConditions(workspaceId, { ...filters, status: "failed", cursor: undefined, after: undefined }, now))))
    .limit(limit)
    .as("matching");
  const [row] = await db().select({ n: count() }).from(matching);
  return row?.n ?? 0;
}

export type DeliveryHealth = { received: number; failed: number; retrying: number; rejected: number };

/** This user's deliveries since `since`, by outcome: the overview's first figures. */
export async function deliveryHealth(workspaceId: string, since: number): Promise<DeliveryHealth> {
  const rows = await db()
    .select({ status: webhookDeliveries.status, n: count() })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), gte(webhookDeliveries.receivedAt, since)))
    .groupBy(webhookDeliveries.status);
  const of = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
  return { received: rows.reduce((sum, row) => sum + row.n, 0), failed: of("failed"), retrying: of("retrying"), rejected: of("rejected") };
}

/** Endpoints with deliveries that failed or are retrying since `since`, with how many. */
export async function failingEndpoints(workspaceId: string, since: number): Promise<{ endpointId: string; failing: number }[]> {
  return await db()
    .select({ endpointId: sql<string>`${webhookDeliveries.endpointId}`, failing: count() })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, workspaceId),
        inArray(webhookDeliveries.status, ["failed", "retrying"]),
        gte(webhookDeliveries.receivedAt, since),
        sql`${webhookDeliveries.endpointId} is not null`,
      ),
    )
    .groupBy(webhookDeliveries.endpointId);
}
