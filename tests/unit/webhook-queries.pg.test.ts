import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { db, execute, rows, transaction, usingPostgres } from "@/db/client";
import { webhookDeliveries, type DeliveryStatus } from "@/db/schema";
import { deliveryFiltersSchema, failedIds, knownEvents, listDeliveries, searchMatchesForTest, type DeliveryFilters } from "@/lib/webhooks/queries";
import { deliveryHistogram } from "@/lib/webhooks/chart";
import { createUser } from "../support/helpers";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 30); // 12:30, half-way through an hour
/** The workspace under test, and another team's. */
let workspaceId: string;
let otherWorkspaceId: string;

type Seed = {
  providerId?: string;
  event?: string;
  status?: DeliveryStatus;
  verified?: boolean;
  at: number;
  deliveryId?: string;
  repository?: string;
  workspace?: string;
};

async function seed(row: Seed): Promise<number> {
  const [inserted] = await db()
    .insert(webhookDeliveries)
    .values({
      workspaceId: row.workspace ?? workspaceId,
      providerId: row.providerId ?? "github",
      dedupeKey: row.status === "rejected" ? null : crypto.randomUUID(),
      deliveryId: row.deliveryId ?? null,
      event: row.event ?? "push",
      repository: row.repository ?? null,
      receivedAt: row.at,
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: row.verified ?? row.status !== "rejected",
      status: row.status ?? "processed",
    })
    .returning({ id: webhookDeliveries.id });
  return inserted!.id;
}

const filters = (query: Record<string, string>): DeliveryFilters => deliveryFiltersSchema.parse(query);
const ids = async (query: Record<string, string>) =>
  (await listDeliveries(workspaceId, filters(query), NOW)).items.map((item) => item.id).sort((a, b) => a - b);

const named: Record<string, number> = {};

beforeAll(async () => {
  workspaceId = (await createUser("queries", "owner")).workspaceId;
  otherWorkspaceId = (await createUser("other-queries")).workspaceId;
  named.push = await seed({ at: NOW - 10 * 60_000, deliveryId: "guid-push", repository: "octocat/hello-world" });
  named.pull = await seed({ at: NOW - 2 * HOUR, event: "pull_request", status: "failed", repository: "octocat/spoon-knife" });
  named.stripe = await seed({ at: NOW - 3 * HOUR, providerId: "stripe", event: "invoice.paid", status: "received", deliveryId: "evt_1" });
  named.rejected = await seed({ at: NOW - 30 * 60_000, status: "rejected", verified: false, event: "push" });
  named.old = await seed({ at: NOW - 3 * 86_400_000, status: "failed", repository: "octocat/hello-world" });
  named.ancient = await seed({ at: NOW - 20 * 86_400_000, providerId: "slack", event: "message" });
  named.stranger = await seed({ at: NOW - 60_000, workspace: otherWorkspaceId, status: "failed", deliveryId: "guid-push" });
});

describe("filters", () => {
  it("lists only the user's own deliveries, newest first", async () => {
    const items = (await listDeliveries(workspaceId, filters({}), NOW)).items;
    expect(items.map((item) => item.id)).toEqual([named.push, named.rejected, named.pull, named.stripe, named.old, named.ancient]);
  });

  it.each([
    [{ provider: "stripe" }, ["stripe"]],
    [{ event: "push" }, ["push", "rejected", "old"]],
    [{ status: "failed" }, ["pull", "old"]],
    [{ verified: "no" }, ["rejected"]],
    [{ verified: "yes" }, ["push", "pull", "stripe", "old", "ancient"]],
    [{ range: "1h" }, ["push", "rejected"]],
    [{ range: "24h" }, ["push", "pull", "stripe", "rejected"]],
    [{ range: "7d" }, ["push", "pull", "stripe", "rejected", "old"]],
    [{ q: "guid-push" }, ["push"]],
    [{ q: "evt_1" }, ["stripe"]],
    [{ q: "octocat/hello-world" }, ["push", "old"]],
    [{ q: "octocat/spoon" }, ["pull"]],
    [{ q: "nothing-like-this" }, []],
    [{ provider: "github", event: "push", verified: "yes", range: "7d" }, ["push", "old"]],
  ] as [Record<string, string>, string[]][])("%j", async (query, expected) => {
    expect(await ids(query)).toEqual(expected.map((name) => named[name]!).sort((a, b) => a - b));
  });

  it("ignores empty values and refuses bad ones", () => {
    expect(filters({ provider: "", status: "" })).toEqual({});
    expect(deliveryFiltersSchema.safeParse({ status: "exploded" }).success).toBe(false);
    expect(deliveryFiltersSchema.safeParse({ cursor: "1; drop table" }).success).toBe(false);
  });
});

describe("known events", () => {
  it("lists each event the user has seen once, sorted, without other users' events or deliveries without one", async () => {
    const seer = await createUser("events-seer");
    const stranger = await createUser("events-stranger");
    for (const event of ["push", "pull_request", "push", "invoice.paid", "pull_request"]) await seed({ at: NOW - 5000, workspace: seer.workspaceId, event });
    await db()
      .insert(webhookDeliveries)
      .values({
        workspaceId: seer.workspaceId,
        providerId: "github",
        event: null,
        receivedAt: NOW - 7000,
        headers: {},
        body: "{}",
        bodyBytes: 2,
        verified: true,
        status: "processed",
      });
    await seed({ at: NOW - 5000, workspace: stranger.workspaceId, event: "only.theirs" });
    expect(await knownEvents(seer.workspaceId)).toEqual(["invoice.paid", "pull_request", "push"]);
    expect(await knownEvents(stranger.workspaceId)).toEqual(["only.theirs"]);
  });

  it("stops at 200 events", async () => {
    const many = await createUser("many-events");
    for (let index = 0; index < 205; index++) await seed({ at: NOW - index, workspace: many.workspaceId, event: `event.${String(index).padStart(3, "0")}` });
    const events = await knownEvents(many.workspaceId);
    expect(events).toHaveLength(200);
    expect(events[0]).toBe("event.000");
    expect(events.at(-1)).toBe("event.199");
  });
});

describe("keyset paging", () => {
  it("walks every page with the cursor, without duplicates or gaps, also when times tie", async () => {
    const pager = (await createUser("pager-queries")).workspaceId;
    const base = NOW - HOUR;
    const all: number[] = [];
    // 23 rows over 12 distinct times: pairs share a received_at, so the id breaks the tie.
    for (let index = 0; index < 23; index++) all.push(await seed({ at: base + Math.floor(index / 2) * 1000, workspace: pager }));
    const expected = [...all].sort((a, b) => b - a); // newest first; within a time, the higher id first
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDeliveries(pager, filters(cursor ? { cursor } : {}), NOW, 5);
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(23);
  });

  it("has no next cursor when the page is the last one, even when exactly full", async () => {
    expect((await listDeliveries(workspaceId, filters({}), NOW, 6)).nextCursor).toBeUndefined();
    const first = await listDeliveries(workspaceId, filters({}), NOW, 5);
    expect(first.nextCursor).toBe(`${NOW - 3 * 86_400_000}.${named.old}`);
    expect((await listDeliveries(workspaceId, filters({ cursor: first.nextCursor! }), NOW, 5)).items.map((item) => item.id)).toEqual([named.ancient]);
  });

  it("keeps filters applied across pages", async () => {
    const first = await listDeliveries(workspaceId, filters({ provider: "github" }), NOW, 2);
    expect(first.items.map((item) => item.id)).toEqual([named.push, named.rejected]);
    const second = await listDeliveries(workspaceId, filters({ provider: "github", cursor: first.nextCursor! }), NOW, 2);
    expect(second.items.map((item) => item.id)).toEqual([named.pull, named.old]);
    expect(second.nextCursor).toBeUndefined();
  });
});

describe("the hourly chart", () => {
  it("counts the last 24 hours per hour and status, oldest hour first, the current hour last", async () => {
    const { buckets, bucketMs } = await deliveryHistogram(workspaceId, filters({ range: "24h" }), NOW);
    expect(bucketMs).toBe(HOUR);
    expect(buckets).toHaveLength(24);
    const currentHour = Math.floor(NOW / HOUR) * HOUR;
    expect(buckets.at(-1)!.start).toBe(currentHour);
    expect(buckets[0]!.start).toBe(currentHour - 23 * HOUR);
    expect(buckets.at(-1)!.counts).toEqual({ processed: 1, rejected: 1 }); // 12:20 and 12:00
    expect(buckets.at(-3)!.counts).toEqual({ failed: 1 }); // 10:30
    expect(buckets.at(-4)!.counts).toEqual({ received: 1 }); // 09:30
    const total = buckets.flatMap((bucket) => Object.values(bucket.counts)).reduce((sum: number, count) => sum + (count ?? 0), 0);
    expect(total).toBe(4); // older deliveries and the other user's are not counted
  });
});

describe("failedIds", () => {
  it("returns the user's failed deliveries matching the filters, whatever status filter was set", async () => {
    expect((await failedIds(workspaceId, filters({}), NOW)).sort((a, b) => a - b)).toEqual([named.pull!, named.old!].sort((a, b) => a - b));
    expect(await failedIds(workspaceId, filters({ range: "24h" }), NOW)).toEqual([named.pull]);
    expect(await failedIds(workspaceId, filters({ status: "processed", q: "octocat/hello-world" }), NOW)).toEqual([named.old]);
    expect(await failedIds(workspaceId, filters({}), NOW, 1)).toHaveLength(1);
    expect(await failedIds(otherWorkspaceId, filters({}), NOW)).toEqual([named.stranger]);
  });
});

describe("search", () => {
  it("matches case-insensitive substrings of delivery ids, repositories, events and payloads", async () => {
    const searcher = (await createUser("search-queries")).workspaceId;
    const insert = async (values: Partial<typeof webhookDeliveries.$inferInsert> & { at: number }) =>
      (
        await db()
          .insert(webhookDeliveries)
          .values({
            workspaceId: searcher,
            providerId: "github",
            dedupeKey: crypto.randomUUID(),
            receivedAt: values.at,
            headers: {},
            body: "{}",
            bodyBytes: 2,
            verified: true,
            status: "processed",
            ...values,
          })
          .returning({ id: webhookDeliveries.id })
      )[0]!.id;
    const opened = await insert({
      at: NOW - 5000,
      event: "pull_request",
      action: "opened",
      deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      repository: "Octocat/Hello-World",
      body: '{"title":"Fix the Login flow"}',
    });
    const pending = await insert({ at: NOW - 4000, status: "received", deliveryId: "waiting-for-first-attempt", repository: "octocat/queue" });
    const [stranger] = await db()
      .insert(webhookDeliveries)
      .values({
        workspaceId: otherWorkspaceId,
        providerId: "github",
        dedupeKey: crypto.randomUUID(),
        receivedAt: NOW,
        headers: {},
        body: '{"title":"Fix the login flow"}',
        bodyBytes: 2,
        verified: true,
        status: "processed",
      })
      .returning({ id: webhookDeliveries.id });
    const search = async (q: string, extra: Record<string, string> = {}) =>
      (await listDeliveries(searcher, filters({ q, ...extra }), NOW)).items.map((item) => item.id);
    expect(await search("72D3162E")).toEqual([opened]); // a delivery id prefix, any case
    expect(await search("hello-world")).toEqual([opened]); // a repository substring
    expect(await search("login flow")).toEqual([opened]); // text inside the payload
    expect(await search("waiting-for")).toEqual([pending]); // not yet indexed: found by its delivery id prefix
    expect(await search("login", { event: "pull_request.opened" })).toEqual([opened]);
    expect(await search("login", { event: "pull_request.closed" })).toEqual([]);
    expect(await search('"; drop')).toEqual([]); // quotes are part of the phrase, not syntax
    expect(await search("login")).not.toContain(stranger!.id);
  });

  it("takes %, _ and \\ in a search term literally", async () => {
    const literal = (await createUser("search-literal")).workspaceId;
    const insert = async (body: string) =>
      (
        await db()
          .insert(webhookDeliveries)
          .values({
            workspaceId: literal,
            providerId: "github",
            dedupeKey: crypto.randomUUID(),
            receivedAt: NOW - 1000,
            headers: {},
            body,
            bodyBytes: body.length,
            verified: true,
            status: "processed",
          })
          .returning({ id: webhookDeliveries.id })
      )[0]!.id;
    const percent = await insert('{"discount":"50%off"}');
    const underscore = await insert('{"key":"a_b_c"}');
    const backslash = await insert('{"path":"C:\\\\tmp"}');
    const plain = await insert('{"note":"50 xoff abxbxc"}');
    const search = async (q: string) => (await listDeliveries(literal, filters({ q }), NOW)).items.map((item) => item.id);
    expect(await search("50%off")).toEqual([percent]);
    expect(await search("a_b_c")).toEqual([underscore]);
    expect(await search(":\\\\tmp")).toEqual([backslash]);
    expect(await search("%%%")).toEqual([]);
    expect(await search("___")).toEqual([]);
    expect(plain).toBeGreaterThan(0);
  });

  it.runIf(usingPostgres())("searches through the trigram index on PostgreSQL (the query's predicate implies the partial index's)", async () => {
    const plan = await transaction(async () => {
      await execute(sql`set local enable_seqscan = off`);
      return (await rows<{ "QUERY PLAN": string }>(sql`explain select id from webhook_deliveries where ${await searchMatchesForTest("login flow")}`))
        .map((row) => row["QUERY PLAN"])
        .join("\n");
    });
    expect(plan).toContain("webhook_deliveries_search");
  });

  it("filters by event with its action, and by event names that contain dots", async () => {
    expect(await ids({ event: "invoice.paid" })).toEqual([named.stripe]);
    expect(await ids({ event: "pull_request" })).toEqual([named.pull]);
  });
});
