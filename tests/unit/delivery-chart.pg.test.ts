import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { db, rows, usingPostgres } from "@/db/client";
import { webhookDeliveries, webhookDeliveryChanges, webhookDeliveryDays, webhookDeliveryHours, webhookEndpoints, type DeliveryStatus } from "@/db/schema";
import { countDeliveries, deliveryHistogram, knownEventActions, rollUpAllDeliveryHours, type Histogram } from "@/lib/webhooks/chart";
import { deliveryFiltersSchema, listDeliveries, type DeliveryFilters } from "@/lib/webhooks/queries";
import { createUser } from "../support/helpers";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 30);
let workspaceId: string;
let otherWorkspaceId: string;

type Seed = {
  providerId?: string;
  event?: string;
  action?: string;
  status?: DeliveryStatus;
  at: number;
  workspace?: string;
  repository?: string;
  endpointId?: string;
};

async function seed(row: Seed): Promise<number> {
  const [inserted] = await db()
    .insert(webhookDeliveries)
    .values({
      workspaceId: row.workspace ?? workspaceId,
      endpointId: row.endpointId ?? null,
      providerId: row.providerId ?? "github",
      dedupeKey: crypto.randomUUID(),
      deliveryId: crypto.randomUUID(),
      event: row.event ?? "push",
      action: row.action ?? null,
      repository: row.repository ?? null,
      receivedAt: row.at,
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: row.status !== "rejected",
      status: row.status ?? "processed",
    })
    .returning({ id: webhookDeliveries.id });
  return inserted!.id;
}

const filters = (query: Record<string, string>): DeliveryFilters => deliveryFiltersSchema.parse(query);

/** Counts per status over the whole chart, and the chart's total. */
async function chart(query: Record<string, string>) {
  const histogram = await deliveryHistogram(workspaceId, filters(query), NOW);
  const byStatus: Record<string, number> = {};
  for (const bucket of histogram.buckets) for (const [status, count] of Object.entries(bucket.counts)) byStatus[status] = (byStatus[status] ?? 0) + count;
  return { byStatus, total: histogram.total, histogram };
}

const queries: Record<string, string>[] = [
  {},
  { range: "24h" },
  { range: "7d" },
  { range: "7d", status: "failed" },
  { range: "7d", provider: "stripe" },
  { range: "7d", event: "pull_request.opened" },
  { range: "7d", event: "pull" },
  { range: "7d", verified: "no" },
  { range: "24h", event: "push", status: "retrying" },
];

let changed: number;
let removed: number;

beforeAll(async () => {
  workspaceId = (await createUser("chart", "owner")).workspaceId;
  otherWorkspaceId = (await createUser("chart-other")).workspaceId;
  // Over five days: pushes every 3 hours, some failing; pull requests opened and closed; Stripe; refusals.
  for (let hoursAgo = 0; hoursAgo < 120; hoursAgo += 3) {
    const at = NOW - hoursAgo * HOUR - 60_000;
    await seed({ at, status: hoursAgo % 9 === 0 ? "failed" : "processed" });
    if (hoursAgo % 6 === 0) await seed({ at: at - 1000, event: "pull_request", action: hoursAgo % 12 === 0 ? "opened" : "closed", repository: "octocat/pr" });
    if (hoursAgo % 15 === 0) await seed({ at: at - 2000, providerId: "stripe", event: "invoice.paid" });
    if (hoursAgo % 30 === 0) await seed({ at: at - 3000, status: "rejected" });
  }
  await seed({ at: NOW - 5 * 60_000, status: "retrying" });
  await seed({ at: NOW - 2 * HOUR, workspace: otherWorkspaceId, status: "failed" });
  changed = await seed({ at: NOW - 50 * HOUR, status: "failed", repository: "octocat/replayed" });
  removed = await seed({ at: NOW - 60 * HOUR, status: "processed", repository: "octocat/removed" });
});

/** A workspace with 40 days of deliveries (more than the 30-day chart), for the daily roll-up. */
let daysWorkspaceId: string;
const DAYS_ENDPOINT = "we_chartdays000000000000";
const dayChanged: number[] = [];
const dayRemoved: number[] = [];
/** Deliveries sharing their hour and attributes, changed many to a statement. */
const pushes: number[] = [];
const pulls: number[] = [];

beforeAll(async () => {
  const owner = await createUser("chart-days", "owner");
  daysWorkspaceId = owner.workspaceId;
  await db()
    .insert(webhookEndpoints)
    .values({ id: DAYS_ENDPOINT, workspaceId: daysWorkspaceId, userId: owner.userId, providerId: "github", secretSealed: "sealed" });
  const statuses: DeliveryStatus[] = ["processed", "processed", "failed", "rejected", "retrying", "processed", "received"];
  let index = 0;
  for (let hoursAgo = 1; hoursAgo < 40 * 24; hoursAgo += 5) {
    const at = NOW - hoursAgo * HOUR + (index % 7) * 60_000;
    const status = statuses[index % statuses.length]!;
    const kind = index % 4;
    const id = await seed({
      workspace: daysWorkspaceId,
      at,
      status,
      providerId: kind === 3 ? "stripe" : "github",
      event: kind === 3 ? "invoice.paid" : kind === 2 ? "pull_request" : "push",
      action: kind === 2 ? (index % 8 === 2 ? "opened" : "closed") : undefined,
      repository: kind === 3 ? undefined : `octocat/days-${index % 3}`,
      endpointId: index % 5 === 0 ? DAYS_ENDPOINT : undefined,
    });
    // The same hours in the first workspace too: the counts must stay apart.
    if (index % 3 === 0) await seed({ workspace: otherWorkspaceId, at, status: "failed" });
    if (hoursAgo > 24 && index % 11 === 0) dayChanged.push(id);
    if (hoursAgo > 24 && index % 13 === 1) dayRemoved.push(id);
    index++;
  }
  for (let index = 0; index < 24; index++) pushes.push(await seed({ workspace: daysWorkspaceId, at: NOW - 30 * HOUR, endpointId: DAYS_ENDPOINT }));
  for (let index = 0; index < 16; index++)
    pulls.push(await seed({ workspace: daysWorkspaceId, at: NOW - 50 * HOUR + index * 60_000, event: "pull_request", action: "opened" }));
});

/**
 * In the search index: a delivery waiting for its first attempt is not yet (migration 0004); the
 * list finds those by prefix, the search's chart and total count the index's matches.
 */
const indexed = (item: { status: string; attempts: number }) => item.status !== "received" || item.attempts > 0;

/** The chart's bars for the filters as counted from the listed deliveries themselves, bucket by bucket. */
async function listedByBucket(workspace: string, query: Record<string, string>, histogram: Histogram): Promise<Record<string, number>[]> {
  // The chart's own span, not the range's rolling start: every delivery, bucketed below.
  const listed = (await listDeliveries(workspace, filters({ ...query, range: "" }), NOW, 10_000)).items.filter((item) => !query.q || indexed(item));
  const first = histogram.buckets[0]!.start;
  const expected = histogram.buckets.map(() => ({}) as Record<string, number>);
  for (const item of listed) {
    const bucket = expected[Math.floor((item.receivedAt - first) / histogram.bucketMs)];
    if (item.receivedAt >= first && bucket) bucket[item.status] = (bucket[item.status] ?? 0) + 1;
  }
  return expected;
}

const dayQueries: Record<string, string>[] = [
  {},
  { status: "failed" },
  { provider: "stripe" },
  { event: "pull" },
  { event: "pull_request.opened" },
  { verified: "no" },
  { endpoint: DAYS_ENDPOINT },
  { provider: "github", status: "processed", verified: "yes" },
  { range: "7d" },
  { range: "7d", provider: "stripe" },
  { range: "24h" },
  { range: "24h", event: "push" },
  { range: "1h" },
];

/** For every filter: each bar equals the deliveries counted one by one, and so does the log's total. */
async function expectExactForEveryFilter(workspace: string): Promise<void> {
  for (const query of dayQueries) {
    const histogram = await deliveryHistogram(workspace, filters(query), NOW);
    expect(
      histogram.buckets.map((bucket) => bucket.counts),
      JSON.stringify(query),
    ).toEqual(await listedByBucket(workspace, query, histogram));
    const listed = (await listDeliveries(workspace, filters(query), NOW, 10_000)).items.length;
    expect(await countDeliveries(workspace, filters(query), NOW), JSON.stringify(query)).toEqual({ count: listed, atLeast: false });
  }
}

/** Every day's rows in the daily roll-up sum to its hours' rows, key by key. */
async function expectDaysSumTheirHours(): Promise<void> {
  const byKey = (table: string, unit: string) =>
    rows<{ key: string; n: number }>(sql`
      select workspace_id || '|' || (${sql.raw(unit)}) || '|' || provider_id || '|' || coalesce(endpoint_id, '') || '|' || coalesce(event, '') || '|' ||
        coalesce(action, '') || '|' || (case when verified then 'yes' else 'no' end) || '|' || status as "key", sum(count) as "n"
      from ${sql.raw(table)} group by 1 having sum(count) <> 0 order by 1`);
  const days = await byKey("webhook_delivery_days", "day");
  const hours = await byKey("webhook_delivery_hours", "hour / 24");
  expect(days.map((row) => [row.key, Number(row.n)])).toEqual(hours.map((row) => [row.key, Number(row.n)]));
}

describe("the chart follows the log's filters", () => {
  it("counts what the list lists, for each filter", async () => {
    for (const query of queries) {
      const listed = (await listDeliveries(workspaceId, filters(query), NOW, 1000)).items;
      const rangeStart = query.range ? NOW - { "24h": 24, "7d": 168 }[query.range]! * HOUR : 0;
      const expected: Record<string, number> = {};
      for (const item of listed) if (item.receivedAt >= rangeStart) expected[item.status] = (expected[item.status] ?? 0) + 1;
      const { byStatus } = await chart(query);
      expect(byStatus, JSON.stringify(query)).toEqual(expected);
    }
  });

  it("follows the search too", async () => {
    const { total } = await chart({ range: "7d", q: "octocat/pr" });
    expect(total).toBe((await listDeliveries(workspaceId, filters({ range: "7d", q: "octocat/pr" }), NOW, 1000)).items.length);
    expect(total).toBeGreaterThan(0);
  });

  it("says when it shows all: the last 30 days in daily bars", async () => {
    const { histogram } = await chart({});
    expect(histogram.all).toBe(true);
    expect(histogram.range).toBe("30d");
    expect(histogram.buckets).toHaveLength(30);
    expect((await chart({ range: "24h" })).histogram.all).toBe(false);
  });

  it("ignores a chart bar's own range (the page highlights that bar)", async () => {
    const whole = await chart({ range: "24h" });
    const bar = whole.histogram.buckets.at(-3)!.start;
    const narrowed = await chart({ range: "24h", from: String(bar), to: String(bar + HOUR) });
    expect(narrowed.total).toBe(whole.total);
  });
});

describe("the roll-up", () => {
  it("gives the same chart and totals as counting the deliveries, also after a status change and a deletion", async () => {
    const before = await Promise.all(queries.map((query) => chart(query)));
    const totalsBefore = await Promise.all(queries.map((query) => countDeliveries(workspaceId, filters(query), NOW)));
    await rollUpAllDeliveryHours(NOW);
    expect(await Promise.all(queries.map((query) => chart(query)))).toEqual(before);
    expect(await Promise.all(queries.map((query) => countDeliveries(workspaceId, filters(query), NOW)))).toEqual(totalsBefore);

    // A replay of a rolled-up delivery and a deletion: the triggers record the changes, the chart follows at once.
    await db().update(webhookDeliveries).set({ status: "processed" }).where(eq(webhookDeliveries.id, changed));
    await db().delete(webhookDeliveries).where(eq(webhookDeliveries.id, removed));
    const recorded = await db()
      .select()
      .from(webhookDeliveryChanges)
      .where(and(eq(webhookDeliveryChanges.workspaceId, workspaceId)));
    expect(recorded.map((row) => [row.status, row.count]).sort()).toEqual([
      ["failed", -1],
      ["processed", -1],
      ["processed", 1],
    ]);
    const failed = await chart({ range: "7d", status: "failed" });
    expect(failed.total).toBe(before[3]!.total - 1);
    expect((await chart({ range: "7d" })).total).toBe(before[2]!.total - 1);

    // Folding the changes into the roll-up changes nothing the chart shows.
    const afterChanges = await Promise.all(queries.map((query) => chart(query)));
    await rollUpAllDeliveryHours(NOW + HOUR);
    expect(await db().select().from(webhookDeliveryChanges).where(eq(webhookDeliveryChanges.workspaceId, workspaceId))).toEqual([]);
    expect(await Promise.all(queries.map((query) => chart(query)))).toEqual(afterChanges);
  });
});

describe("the total and the pages", () => {
  it("counts every page of what the filters match", async () => {
    for (const query of [...queries, { q: "octocat/pr" }]) {
      const listed = (await listDeliveries(workspaceId, filters(query), NOW, 1000)).items.length;
      expect(await countDeliveries(workspaceId, filters(query), NOW), JSON.stringify(query)).toEqual({ count: listed, atLeast: false });
    }
    expect(await countDeliveries(workspaceId, filters({ q: "octocat/pr" }), NOW, 3)).toEqual({ count: 3, atLeast: true });
  });

  it("pages to older and back to newer with the same rows", async () => {
    for (const query of [{}, { q: "octocat/pr" }] as Record<string, string>[]) {
      const first = await listDeliveries(workspaceId, filters(query), NOW, 4);
      expect(first.newerCursor).toBeUndefined();
      const second = await listDeliveries(workspaceId, filters({ ...query, cursor: first.nextCursor! }), NOW, 4);
      const third = await listDeliveries(workspaceId, filters({ ...query, cursor: second.nextCursor! }), NOW, 4);
      const back = await listDeliveries(workspaceId, filters({ ...query, after: third.newerCursor! }), NOW, 4);
      expect(back.items.map((item) => item.id)).toEqual(second.items.map((item) => item.id));
      const start = await listDeliveries(workspaceId, filters({ ...query, after: back.newerCursor! }), NOW, 4);
      expect(start.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id));
      expect(start.newerCursor).toBeUndefined();
      expect(start.nextCursor).toBe(first.nextCursor);
    }
  });
});

describe("the Event filter", () => {
  it("applies as it is typed: events and event.action pairs starting with the text", async () => {
    const count = async (event: string) => (await countDeliveries(workspaceId, filters({ event }), NOW)).count;
    const pulls = await count("pull_request");
    expect(pulls).toBeGreaterThan(0);
    expect(await count("pull")).toBe(pulls);
    expect((await count("pull_request.op")) + (await count("pull_request.cl"))).toBe(pulls);
    expect(await count("pull_request.opened")).toBe(await count("pull_request.op"));
    expect(await count("invoice.pa")).toBe(await count("invoice.paid"));
  });

  it("suggests event.action pairs the workspace has seen", async () => {
    expect(await knownEventActions(workspaceId, NOW)).toEqual(["pull_request.closed", "pull_request.opened"]);
    expect(await knownEventActions(otherWorkspaceId, NOW)).toEqual([]);
  });
});

describe("the daily roll-up (30-day chart and the total)", () => {
  it("gives every bar and total exactly as counting the deliveries, before and after rolling up, through changes and deletions", async () => {
    await expectExactForEveryFilter(daysWorkspaceId);
    await rollUpAllDeliveryHours(NOW);
    const rolledDays = await db().select().from(webhookDeliveryDays).where(eq(webhookDeliveryDays.workspaceId, daysWorkspaceId));
    expect(rolledDays.length).toBeGreaterThan(30);
    await expectDaysSumTheirHours();
    await expectExactForEveryFilter(daysWorkspaceId);
    await expectExactForEveryFilter(otherWorkspaceId);

    // Replays and deletions of rolled-up deliveries (as retention or the refusal cap does): the chart follows at once.
    for (const id of dayChanged)
      await db().update(webhookDeliveries).set({ status: "processed", endpointId: DAYS_ENDPOINT }).where(eq(webhookDeliveries.id, id));
    for (const id of dayRemoved) await db().delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(dayChanged.length).toBeGreaterThan(3);
    expect(dayRemoved.length).toBeGreaterThan(3);
    await expectExactForEveryFilter(daysWorkspaceId);

    // Folding the changes in writes them to the hours and the days alike.
    await rollUpAllDeliveryHours(NOW + HOUR);
    expect(await db().select().from(webhookDeliveryChanges).where(eq(webhookDeliveryChanges.workspaceId, daysWorkspaceId))).toEqual([]);
    await expectDaysSumTheirHours();
    await expectExactForEveryFilter(daysWorkspaceId);
    await expectExactForEveryFilter(otherWorkspaceId);
    expect((await db().select().from(webhookDeliveryHours).where(eq(webhookDeliveryHours.workspaceId, daysWorkspaceId))).length).toBeGreaterThan(0);
  });
});

describe("changes many rows to a statement (the dispatcher's batches, retention's deletes)", () => {
  it("are summed per group of the chart's attributes, and the chart stays exact before and after rolling them up", async () => {
    await rollUpAllDeliveryHours(NOW + 2 * HOUR);
    expect(await db().select().from(webhookDeliveryChanges).where(eq(webhookDeliveryChanges.workspaceId, daysWorkspaceId))).toEqual([]);
    const moved = [...pushes.slice(0, 20), ...pulls.slice(0, 10)];
    const deleted = [...pushes.slice(20), ...pulls.slice(10)];
    const d = webhookDeliveries;

    await db().update(d).set({ status: "processing" }).where(inArray(d.id, moved));
    await db().delete(d).where(inArray(d.id, deleted));
    // A statement that changes no status or endpoint records nothing.
    await db().update(d).set({ leaseUntil: NOW }).where(inArray(d.id, moved));

    const recorded = await db().select().from(webhookDeliveryChanges).where(eq(webhookDeliveryChanges.workspaceId, daysWorkspaceId));
    const summed: Record<string, number> = {};
    for (const row of recorded) {
      const name = `${row.hour} ${row.event}.${row.action ?? ""} ${row.endpointId ?? "-"} ${row.status}`;
      summed[name] = (summed[name] ?? 0) + row.count;
    }
    const pushHour = Math.floor((NOW - 30 * HOUR) / HOUR);
    const pullHour = Math.floor((NOW - 50 * HOUR) / HOUR);
    expect(summed).toEqual({
      [`${pushHour} push. ${DAYS_ENDPOINT} processed`]: -24,
      [`${pushHour} push. ${DAYS_ENDPOINT} processing`]: 20,
      [`${pullHour} pull_request.opened - processed`]: -16,
      [`${pullHour} pull_request.opened - processing`]: 10,
    });
    // PostgreSQL: one row per group and statement (statement triggers, migration 0020); SQLite: one per row and change.
    expect(recorded.length).toBe(usingPostgres() ? 4 + 2 : 2 * moved.length + deleted.length);

    await expectExactForEveryFilter(daysWorkspaceId);
    await rollUpAllDeliveryHours(NOW + 3 * HOUR);
    await expectDaysSumTheirHours();
    await expectExactForEveryFilter(daysWorkspaceId);
    await expectExactForEveryFilter(otherWorkspaceId);
  });
});

describe("the chart under a search", () => {
  it("counts every match when they are fewer than its limit, and only the newest ones, saying so, when more match", async () => {
    for (const query of [{ q: "octocat/days" }, { q: "octocat/days-1", status: "failed" }, { q: "octocat/days", range: "7d" }] as Record<string, string>[]) {
      const histogram = await deliveryHistogram(daysWorkspaceId, filters(query), NOW);
      expect(histogram.bounded, JSON.stringify(query)).toBeUndefined();
      expect(
        histogram.buckets.map((bucket) => bucket.counts),
        JSON.stringify(query),
      ).toEqual(await listedByBucket(daysWorkspaceId, query, histogram));
      expect(histogram.total).toBeGreaterThan(0);
    }
    // Another workspace's search finds none of these.
    expect((await deliveryHistogram(workspaceId, filters({ q: "octocat/days" }), NOW)).total).toBe(0);

    // Bounded: the chart holds the 7 newest matches (as the list's first page of 7 shows them) and says from where it may lack some.
    const limit = 7;
    const query = { q: "octocat/days" };
    const bounded = await deliveryHistogram(daysWorkspaceId, filters(query), NOW, limit);
    // The newest by arrival (id), in the chart's 30 days, as the list orders a search.
    const chartStart = bounded.buckets[0]!.start;
    const newest = (await listDeliveries(daysWorkspaceId, filters(query), NOW, 10_000)).items
      .filter((item) => indexed(item) && item.receivedAt >= chartStart)
      .slice(0, limit + 1);
    expect(newest).toHaveLength(limit + 1);
    expect(bounded.total).toBe(limit);
    const expected = bounded.buckets.map(() => ({}) as Record<string, number>);
    for (const item of newest.slice(0, limit)) {
      const bucket = expected[Math.floor((item.receivedAt - bounded.buckets[0]!.start) / bounded.bucketMs)]!;
      bucket[item.status] = (bucket[item.status] ?? 0) + 1;
    }
    expect(bounded.buckets.map((bucket) => bucket.counts)).toEqual(expected);
    const leftOut = newest.at(-1)!;
    expect(bounded.bounded).toEqual({ limit, completeFrom: (Math.floor(leftOut.receivedAt / bounded.bucketMs) + 1) * bounded.bucketMs });
    // Exactly at the limit nothing is left out.
    const all = (await deliveryHistogram(daysWorkspaceId, filters(query), NOW)).total;
    expect((await deliveryHistogram(daysWorkspaceId, filters(query), NOW, all)).bounded).toBeUndefined();
  });
});
