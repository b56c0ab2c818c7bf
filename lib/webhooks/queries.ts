import "server-only";
import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { deliveryStatuses, webhookAttempts, webhookDeliveries } from "@/db/schema";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value === undefined || Array.isArray(value) ? undefined : value), schema.optional());

/** The log viewer's filters, parsed from the query string. */
export const deliveryFiltersSchema = z.object({
  provider: optional(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/)),
  event: optional(z.string().max(100)),
  status: optional(z.enum(deliveryStatuses)),
  verified: optional(z.enum(["yes", "no"])),
  range: optional(z.enum(["1h", "24h", "7d", "30d"])),
  q: optional(z.string().trim().min(1).max(200)),
  cursor: optional(z.string().regex(/^\d{1,15}\.\d{1,15}$/)),
});

export type DeliveryFilters = z.infer<typeof deliveryFiltersSchema>;

const rangeMs = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;

export const listColumns = {
  id: webhookDeliveries.id,
  providerId: webhookDeliveries.providerId,
  event: webhookDeliveries.event,
  action: webhookDeliveries.action,
  deliveryId: webhookDeliveries.deliveryId,
  repository: webhookDeliveries.repository,
  receivedAt: webhookDeliveries.receivedAt,
  verified: webhookDeliveries.verified,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  processingMs: webhookDeliveries.processingMs,
  reason: webhookDeliveries.reason,
  endpointId: webhookDeliveries.endpointId,
};

function conditions(userId: string, filters: DeliveryFilters, now: number): SQL[] {
  const where: SQL[] = [eq(webhookDeliveries.userId, userId)];
  if (filters.provider) where.push(eq(webhookDeliveries.providerId, filters.provider));
  if (filters.event) where.push(eq(webhookDeliveries.event, filters.event));
  if (filters.status) where.push(eq(webhookDeliveries.status, filters.status));
  if (filters.verified) where.push(eq(webhookDeliveries.verified, filters.verified === "yes"));
  if (filters.range) where.push(gte(webhookDeliveries.receivedAt, now - rangeMs[filters.range]));
  if (filters.q) {
    where.push(
      or(
        eq(webhookDeliveries.deliveryId, filters.q),
        eq(webhookDeliveries.repository, filters.q),
        and(gte(webhookDeliveries.repository, filters.q), lt(webhookDeliveries.repository, `${filters.q}\uffff`)),
      )!,
    );
  }
  return where;
}

export const PAGE_SIZE = 50;

/** One page of this user's deliveries, newest first, by keyset (received_at, id): no OFFSET, so deep pages stay fast. */
export function listDeliveries(userId: string, filters: DeliveryFilters, now = Date.now(), pageSize = PAGE_SIZE) {
  const where = conditions(userId, filters, now);
  if (filters.cursor) {
    const [at, id] = filters.cursor.split(".").map(Number) as [number, number];
    where.push(sql`(${webhookDeliveries.receivedAt}, ${webhookDeliveries.id}) < (${at}, ${id})`);
  }
  const rows = db()
    .select(listColumns)
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.receivedAt), desc(webhookDeliveries.id))
    .limit(pageSize + 1)
    .all();
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > pageSize && last ? `${last.receivedAt}.${last.id}` : undefined };
}

export type DeliveryListItem = ReturnType<typeof listDeliveries>["items"][number];

export type HourlyBucket = { hour: number; counts: Record<string, number> };

/** Deliveries per hour over the 24 hours before `now`, split by status (oldest hour first). */
export function hourlyCounts(userId: string, now = Date.now()): HourlyBucket[] {
  const currentHour = Math.floor(now / 3_600_000);
  const since = (currentHour - 23) * 3_600_000;
  const rows = db()
    .select({
      hour: sql<number>`${webhookDeliveries.receivedAt} / 3600000`.as("hour"),
      status: webhookDeliveries.status,
      count: sql<number>`count(*)`,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.userId, userId), gte(webhookDeliveries.receivedAt, since), lte(webhookDeliveries.receivedAt, now)))
    .groupBy(sql`hour`, webhookDeliveries.status)
    .all();
  const buckets = Array.from({ length: 24 }, (_, index) => ({ hour: (currentHour - 23 + index) * 3_600_000, counts: {} as Record<string, number> }));
  for (const row of rows) {
    const bucket = buckets[row.hour - (currentHour - 23)];
    if (bucket) bucket.counts[row.status] = row.count;
  }
  return buckets;
}

/** The events this user has seen, for the filter menu. */
export function knownEvents(userId: string): string[] {
  return db()
    .selectDistinct({ event: webhookDeliveries.event })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.userId, userId))
    .limit(200)
    .all()
    .map((row) => row.event)
    .filter((event): event is string => Boolean(event))
    .sort();
}

export function getDelivery(userId: string, id: number) {
  const delivery = db()
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.userId, userId)))
    .get();
  if (!delivery) return undefined;
  const attempts = db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(asc(webhookAttempts.number)).all();
  return { delivery, attempts };
}

/** Ids of this user's failed deliveries that match the filters (for "replay all failed"). */
export function failedIds(userId: string, filters: DeliveryFilters, now = Date.now(), limit = 1000): number[] {
  return db()
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(...conditions(userId, { ...filters, status: "failed" }, now)))
    .limit(limit)
    .all()
    .map((row) => row.id);
}
