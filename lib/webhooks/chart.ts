import "server-only";
import { and, count, gte, lt, sql, type SQL } from "drizzle-orm";
import { db, execute, rows, transaction, usingPostgres } from "@/db/client";
import { webhookDeliveries, webhookDeliveryChanges, webhookDeliveryDays, webhookDeliveryHours } from "@/db/schema";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { log, startBackgroundLoop, type BackgroundLoop } from "@/lib/platform";
import { allConditions, attributeConditions, HOUR, newestMatches, rangeStart, type DeliveryFilters, type Range } from "./queries";

/**
 * The log's chart and its total, following every filter of the log, fast at a million rows.
 *
 * Closed hours are read from an hourly roll-up (webhook_delivery_hours: counts by workspace, hour,
 * service, endpoint, event, action, verified and status) plus the changes since it was rolled
 * (webhook_delivery_changes, written by triggers when a delivery's status or endpoint changes or
 * it is deleted); the hours after the roll-up (the last hour or so) are counted from the
 * deliveries themselves. The same counts by UTC day (webhook_delivery_days, written with every
 * hourly row) serve the whole days of the 30-day chart and of the total. A search cannot be rolled
 * up: with a search term the chart counts the newest SEARCH_CHART_LIMIT matches through the search
 * index, and says so when more matched.
 */

export type Histogram = {
  range: Range;
  /** No range was chosen: the list shows every delivery, the chart its last 30 days. */
  all: boolean;
  bucketMs: number;
  buckets: { start: number; counts: Record<string, number> }[];
  /** Deliveries in the chart's bars. */
  total: number;
  /**
   * Set when a search matched more than the chart counts: the bars hold the `limit` newest
   * matches, and the bars starting before `completeFrom` may lack older ones.
   */
  bounded?: { limit: number; completeFrom: number };
};

const histogramShapes: Record<Range, { bucketMs: number; count: number }> = {
  "1h": { bucketMs: 5 * 60_000, count: 12 },
  "24h": { bucketMs: HOUR, count: 24 },
  "7d": { bucketMs: 6 * HOUR, count: 28 },
  "30d": { bucketMs: 24 * HOUR, count: 30 },
};

type BucketCount = { bucket: number; status: string; count: number };

/** The filters that say what a delivery is (and its search), without the time: the chart spans its own range. */
function withoutTime(filters: DeliveryFilters): DeliveryFilters {
  return { ...filters, range: undefined, from: undefined, to: undefined, cursor: undefined };
}

/** Deliveries received in [start, end) matching the filters, counted from the table, by bucket (received_at / bucketMs) and status. */
async function countedFromDeliveries(workspaceId: string, filters: DeliveryFilters, start: number, end: number, bucketMs: number): Promise<BucketCount[]> {
  if (end <= start) return [];
  const d = webhookDeliveries;
  return await db()
    .select({
      // Inlined: a bound JS number is a REAL to SQLite, and the division must stay integral.
      bucket: sql<number>`${d.receivedAt} / ${sql.raw(String(bucketMs))}`.as("bucket"),
      status: d.status,
      count: sql<number>`count(*)`,
    })
    .from(d)
    .where(and(...(await allConditions(workspaceId, withoutTime(filters), 0)), gte(d.receivedAt, start), lt(d.receivedAt, end)))
    .groupBy(sql`bucket`, d.status);
}

const HOURS_PER_DAY = 24;

/** A roll-up table's rows in [from, to) of its own unit (hours or days), summed by bucket (`perBucket` units) and status. */
async function summedFrom(
  table: typeof webhookDeliveryHours | typeof webhookDeliveryChanges | typeof webhookDeliveryDays,
  unit: SQLiteColumn,
  workspaceId: string,
  filters: DeliveryFilters,
  from: number,
  to: number,
  perBucket: number,
): Promise<BucketCount[]> {
  if (to <= from) return [];
  return await db()
    .select({
      bucket: sql<number>`${unit} / ${sql.raw(String(perBucket))}`.as("bucket"),
      status: table.status,
      count: sql<number>`sum(${table.count})`,
    })
    .from(table)
    .where(and(...attributeConditions(table, workspaceId, filters), gte(unit, from), lt(unit, to)))
    .groupBy(sql`bucket`, table.status);
}

/**
 * The same from the roll-up, for the whole hours [fromHour, toHour) that it covers. When a bucket
 * is a whole number of days, the whole days in between come from the daily counts (24 times fewer
 * rows: the 30-day chart, the total) and only the hours at either end from the hourly ones; the
 * changes not folded in yet are read by hour.
 */
async function countedFromRollup(
  workspaceId: string,
  filters: DeliveryFilters,
  fromHour: number,
  toHour: number,
  hoursPerBucket: number,
): Promise<BucketCount[]> {
  if (toHour <= fromHour) return [];
  const h = webhookDeliveryHours;
  const firstDay = Math.ceil(fromHour / HOURS_PER_DAY);
  const lastDay = Math.floor(toHour / HOURS_PER_DAY);
  const byDay = hoursPerBucket % HOURS_PER_DAY === 0 && firstDay < lastDay;
  const hourSpans: [number, number][] = byDay
    ? [
        [fromHour, firstDay * HOURS_PER_DAY],
        [lastDay * HOURS_PER_DAY, toHour],
      ]
    : [[fromHour, toHour]];
  const counted: BucketCount[] = [];
  for (const [from, to] of hourSpans) counted.push(...(await summedFrom(h, h.hour, workspaceId, filters, from, to, hoursPerBucket)));
  if (byDay) {
    const d = webhookDeliveryDays;
    counted.push(...(await summedFrom(d, d.day, workspaceId, filters, firstDay, lastDay, hoursPerBucket / HOURS_PER_DAY)));
  }
  const c = webhookDeliveryChanges;
  counted.push(...(await summedFrom(c, c.hour, workspaceId, filters, fromHour, toHour, hoursPerBucket)));
  return counted;
}

/** The roll-up covers the hours before this one (hours since the epoch). */
async function rolledUntil(): Promise<number> {
  const [state] = await rows<{ rolledUntil: number }>(sql`select next_hour as "rolledUntil" from webhook_delivery_rollup where id = 1`);
  return Number(state?.rolledUntil ?? 0);
}

/**
 * Deliveries matching the filters (search included) in [start, end), by bucket and status: whole
 * hours the roll-up covers from it, the rest from the table. `bucketMs` is a whole number of hours.
 */
async function countedByBucket(workspaceId: string, filters: DeliveryFilters, start: number, end: number, bucketMs: number): Promise<BucketCount[]> {
  if (filters.q || bucketMs % HOUR !== 0) return countedFromDeliveries(workspaceId, filters, start, end, bucketMs);
  const rolled = (await rolledUntil()) * HOUR;
  const firstHour = Math.ceil(start / HOUR) * HOUR;
  const lastHour = Math.max(firstHour, Math.min(rolled, Math.floor(end / HOUR) * HOUR));
  return [
    ...(await countedFromDeliveries(workspaceId, filters, start, firstHour, bucketMs)),
    ...(await countedFromRollup(workspaceId, filters, firstHour / HOUR, lastHour / HOUR, bucketMs / HOUR)),
    ...(await countedFromDeliveries(workspaceId, filters, lastHour, end, bucketMs)),
  ];
}

export const COUNT_LIMIT = 10_000;
/** With a search term, the chart counts this many matches at most, the newest (as the total counts to COUNT_LIMIT). */
export const SEARCH_CHART_LIMIT = COUNT_LIMIT;

/**
 * Under a search: the newest `limit` deliveries matching the filters and the term in [start, end),
 * by bucket and status, read through the search index newest first and stopped there, so neither a
 * term in every delivery nor a wide range costs more than `limit` rows. Also says, when more
 * matched, the bucket of the newest match left out (the bars from it back may be incomplete).
 */
async function searchCountedByBucket(
  workspaceId: string,
  filters: DeliveryFilters,
  start: number,
  end: number,
  bucketMs: number,
  limit: number,
): Promise<{ counted: BucketCount[]; leftOutBucket?: number }> {
  const newest = await newestMatches(workspaceId, { ...withoutTime(filters), from: start, to: end }, 0, limit + 1);
  const groups = await db()
    .select({
      bucket: sql<number>`${newest.receivedAt} / ${sql.raw(String(bucketMs))}`.as("bucket"),
      status: newest.status,
      count: sql<number>`count(*)`,
      oldestId: sql<number>`min(${newest.id})`,
    })
    .from(newest)
    .groupBy(sql`bucket`, newest.status);
  const counted = groups.map((group) => ({ bucket: Number(group.bucket), status: group.status, count: Number(group.count) }));
  if (counted.reduce((sum, group) => sum + group.count, 0) <= limit) return { counted };
  // One more than the limit matched: leave the oldest of them (the lowest id) out.
  const oldest = groups.reduce((found, group) => (Number(group.oldestId) < Number(found.oldestId) ? group : found));
  const leftOut = counted[groups.indexOf(oldest)]!;
  leftOut.count -= 1;
  return { counted, leftOutBucket: leftOut.bucket };
}

/**
 * The chart: deliveries matching the log's filters and search over its range (the last 30 days
 * when the list shows all), in equal UTC-aligned buckets split by status, oldest first. A chart
 * bar's own range (from, to) does not narrow the chart: the page highlights that bar instead.
 * With a search term it counts the newest SEARCH_CHART_LIMIT matches (`bounded` says when more matched).
 */
export async function deliveryHistogram(workspaceId: string, filters: DeliveryFilters, now = Date.now(), searchLimit = SEARCH_CHART_LIMIT): Promise<Histogram> {
  const range = filters.range ?? "30d";
  const { bucketMs, count: size } = histogramShapes[range];
  const current = Math.floor(now / bucketMs);
  const first = current - size + 1;
  const start = first * bucketMs;
  const end = (current + 1) * bucketMs;
  const searched = filters.q ? await searchCountedByBucket(workspaceId, filters, start, end, bucketMs, searchLimit) : undefined;
  const counted = searched ? searched.counted : await countedByBucket(workspaceId, filters, start, end, bucketMs);
  const buckets = Array.from({ length: size }, (_, index) => ({ start: (first + index) * bucketMs, counts: {} as Record<string, number> }));
  let total = 0;
  for (const row of counted) {
    const bucket = buckets[Number(row.bucket) - first];
    const value = Number(row.count);
    if (!bucket || value === 0) continue;
    bucket.counts[row.status] = (bucket.counts[row.status] ?? 0) + value;
    total += value;
  }
  for (const bucket of buckets) for (const [status, value] of Object.entries(bucket.counts)) if (value === 0) delete bucket.counts[status];
  const bounded = searched?.leftOutBucket === undefined ? undefined : { limit: searchLimit, completeFrom: (searched.leftOutBucket + 1) * bucketMs };
  return { range, all: filters.range === undefined, bucketMs, buckets, total, ...(bounded ? { bounded } : {}) };
}

/**
 * How many deliveries the log's filters match in all (every page): from the roll-up and the
 * table as the chart counts them; with a search term, counted up to `limit` (then `atLeast`).
 */
export async function countDeliveries(
  workspaceId: string,
  filters: DeliveryFilters,
  now = Date.now(),
  limit = COUNT_LIMIT,
): Promise<{ count: number; atLeast: boolean }> {
  const start = rangeStart(filters, now) ?? 0;
  const end = filters.to ?? now + HOUR;
  if (filters.q) {
    // The newest limit + 1 matches, read through the search index newest first as the chart reads
    // them: a term in every delivery costs no more than that (an IN over the index's matches
    // collected every one of them first: 110 ms at 200,000 rows on SQLite).
    const matching = await newestMatches(workspaceId, { ...filters, cursor: undefined }, now, limit + 1);
    const [row] = await db().select({ n: count() }).from(matching);
    const found = row?.n ?? 0;
    return { count: Math.min(found, limit), atLeast: found > limit };
  }
  // Counted by day (whole days from the daily roll-up); the buckets do not matter, only their sum.
  const counted = await countedByBucket(workspaceId, filters, start, end, HOURS_PER_DAY * HOUR);
  return { count: counted.reduce((sum, row) => sum + Number(row.count), 0), atLeast: false };
}

/** How recent an hour may be and still be rolled up: deliveries of an hour may still be committing a little after it ends. */
export const ROLLUP_GRACE_MS = 10 * 60_000;
const MAX_HOURS_PER_STEP = 6;

const keyColumns = sql.raw("workspace_id, hour, provider_id, endpoint_id, event, action, verified, status");
const attributeColumns = sql.raw("provider_id, endpoint_id, event, action, verified, status");
const dayColumns = sql.raw("workspace_id, day, provider_id, endpoint_id, event, action, verified, status");
const forUpdate = () => (usingPostgres() ? sql` for update` : sql``);

/** The hourly rows `source` (a table or a CTE of webhook_delivery_hours' columns) summed by day, to insert into webhook_delivery_days. */
const summedByDay = (source: SQL) => sql`
  select workspace_id, hour / ${sql.raw(String(HOURS_PER_DAY))}, ${attributeColumns}, sum(count) from ${source}
  group by workspace_id, hour / ${sql.raw(String(HOURS_PER_DAY))}, ${attributeColumns} having sum(count) <> 0`;

/**
 * Rolls the deliveries of hours [from, until) up, by hour and by day, and drops the changes to those
 * hours (the counts include them).
 */
async function rollHours(from: number, until: number): Promise<void> {
  const counts = sql`
    select d.workspace_id, d.received_at / ${sql.raw(String(HOUR))}, d.provider_id, d.endpoint_id, d.event, d.action, d.verified, d.status, count(*)
    from workspaces w join webhook_deliveries d on d.workspace_id = w.id and d.received_at >= ${from * HOUR} and d.received_at < ${until * HOUR}
    group by d.workspace_id, d.received_at / ${sql.raw(String(HOUR))}, d.provider_id, d.endpoint_id, d.event, d.action, d.verified, d.status`;
  const dropChanges = sql`delete from webhook_delivery_changes where hour >= ${from} and hour < ${until}`;
  if (usingPostgres()) {
    // One statement, one snapshot: a change committed after it is neither in the counts nor dropped.
    await execute(sql`
      with dropped as (${dropChanges}),
        counted (${keyColumns}, count) as (${counts}),
        hourly as (insert into webhook_delivery_hours (${keyColumns}, count) select * from counted)
      insert into webhook_delivery_days (${dayColumns}, count) ${summedByDay(sql`counted`)}`);
  } else {
    // The transaction holds every other writer back (the write lock; in this process, the gate), so the statements see the same rows.
    await execute(sql`insert into webhook_delivery_hours (${keyColumns}, count) ${counts}`);
    const rolled = sql`(select * from webhook_delivery_hours where hour >= ${from} and hour < ${until})`;
    await execute(sql`insert into webhook_delivery_days (${dayColumns}, count) ${summedByDay(rolled)}`);
    await execute(dropChanges);
  }
}

/**
 * Folds the changes to hours already rolled up into the roll-up, hourly and daily (several rows per
 * key are fine: the chart sums).
 */
async function foldChanges(before: number): Promise<void> {
  if (usingPostgres()) {
    await execute(sql`
      with moved as (delete from webhook_delivery_changes where hour < ${before} returning ${keyColumns}, count),
        hourly as (
          insert into webhook_delivery_hours (${keyColumns}, count)
          select ${keyColumns}, sum(count) from moved group by ${keyColumns} having sum(count) <> 0
        )
      insert into webhook_delivery_days (${dayColumns}, count) ${summedByDay(sql`moved`)}`);
  } else {
    const changes = sql`(select * from webhook_delivery_changes where hour < ${before})`;
    await execute(sql`
      insert into webhook_delivery_hours (${keyColumns}, count)
      select ${keyColumns}, sum(count) from webhook_delivery_changes where hour < ${before} group by ${keyColumns} having sum(count) <> 0`);
    await execute(sql`insert into webhook_delivery_days (${dayColumns}, count) ${summedByDay(changes)}`);
    await execute(sql`delete from webhook_delivery_changes where hour < ${before}`);
  }
}

/**
 * One step of the roll-up, in one transaction: fold the changes to rolled hours, then roll up to
 * six more closed hours. Resolves with whether closed hours remain to be rolled.
 */
export async function rollUpDeliveryHours(now = Date.now()): Promise<boolean> {
  const target = Math.floor((now - ROLLUP_GRACE_MS) / HOUR);
  return await transaction(async () => {
    await execute(sql`insert into webhook_delivery_rollup (id, next_hour) values (1, 0) on conflict (id) do nothing`);
    const [state] = await rows<{ rolledUntil: number }>(sql`select next_hour as "rolledUntil" from webhook_delivery_rollup where id = 1${forUpdate()}`);
    let from = Number(state!.rolledUntil);
    if (from === 0) {
      // First run: start at the oldest delivery (one index probe per workspace).
      const [oldest] = await rows<{ at: number | null }>(
        sql`select min((select min(received_at) from webhook_deliveries d where d.workspace_id = w.id)) as "at" from workspaces w`,
      );
      from = oldest?.at === null || oldest?.at === undefined ? target : Math.floor(Number(oldest.at) / HOUR);
    }
    await foldChanges(from);
    const until = Math.max(from, Math.min(target, from + MAX_HOURS_PER_STEP));
    if (until > from) await rollHours(from, until);
    await execute(sql`update webhook_delivery_rollup set next_hour = ${until} where id = 1`);
    return until < target;
  });
}

/** Rolls up every closed hour (a step at a time, so no step holds the database for long). */
export async function rollUpAllDeliveryHours(now = Date.now(), pauseMs = 0): Promise<void> {
  while (await rollUpDeliveryHours(now)) if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
}

const ROLLUP_INTERVAL_MS = 5 * 60_000;

/** Keeps the chart's roll-up current: at start-up (catching up step by step) and every five minutes. */
export function startChartRollup(): BackgroundLoop {
  return startBackgroundLoop(
    "chart-rollup",
    async () => {
      try {
        await rollUpAllDeliveryHours(Date.now(), 20);
      } catch (error) {
        log.warn("chart roll-up failed; the chart counts from the deliveries meanwhile", { error: (error as Error).message });
      }
    },
    { intervalMs: ROLLUP_INTERVAL_MS },
  );
}

/**
 * The event.action pairs of the last 30 days (`pull_request.opened`), for the Event filter's
 * suggestions beside the events themselves: from the roll-up, and from the deliveries of the hours
 * after it.
 */
export async function knownEventActions(workspaceId: string, now = Date.now(), limit = 200): Promise<string[]> {
  const since = Math.floor((now - 30 * 24 * HOUR) / HOUR);
  const recentFrom = Math.max(await rolledUntil(), since) * HOUR;
  const found = [
    ...(await rows<{ event: string; action: string }>(sql`
      select distinct event as "event", action as "action" from webhook_delivery_hours
      where workspace_id = ${workspaceId} and hour >= ${since} and event is not null and action is not null limit ${limit}`)),
    ...(await rows<{ event: string; action: string }>(sql`
      select distinct event as "event", action as "action" from webhook_deliveries
      where workspace_id = ${workspaceId} and received_at >= ${recentFrom} and event is not null and action is not null limit ${limit}`)),
  ];
  return [...new Set(found.map((row) => `${row.event}.${row.action}`))].sort().slice(0, limit);
}
