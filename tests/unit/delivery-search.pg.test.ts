import { beforeAll, describe, expect, it } from "vitest";
import { inArray, sql } from "drizzle-orm";
import { db, execute, rows, transaction, usingPostgres } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { rarestTrigramsQuery } from "@/db/sql/rare-trigrams";
import { trigramMatch } from "@/db/sql/rare-trigrams-pg";
import { countDeliveries, deliveryHistogram } from "@/lib/webhooks/chart";
import { deliveryFiltersSchema, listDeliveries, type DeliveryFilters } from "@/lib/webhooks/queries";
import { createUser } from "../support/helpers";

/**
 * The search (list, chart, total) gives exactly the deliveries a plain case-insensitive substring
 * check of their delivery id, repository, event (with its action) and payload gives, whichever way
 * the index finds them: on SQLite by the term's rarest trigrams with each candidate checked, or as
 * a whole phrase (db/sql/rare-trigrams.ts); on PostgreSQL through pg_trgm for settled deliveries
 * and without it for those in flight. Searched: every delivery taken at least once or stored
 * finished, whatever its status now; one waiting for its first attempt is not (migration 0004).
 */

/** A mix of what the log holds: finished, failed, being processed, waiting to be retried, never taken yet, and replayed (received again after an attempt). */
function stateOf(index: number) {
  if (index % 7 === 0) return { status: "failed" as const, attempts: 1 };
  if (index % 11 === 5) return { status: "processing" as const, attempts: 1 };
  if (index % 13 === 6) return { status: "retrying" as const, attempts: 1 };
  if (index % 17 === 8) return { status: "received" as const, attempts: 0 };
  return { status: "processed" as const, attempts: 1 };
}
const isReplayed = (index: number) => index % 19 === 3 && stateOf(index).status === "processed";

const NOW = Date.UTC(2026, 10, 24, 12, 30);
/** Enough deliveries that the trigrams they all share are common on SQLite (seen 200 times in the newest 20,000). */
const ROWS = 240;

type Seeded = { id: number; deliveryId: string | null; repository: string | null; event: string; action: string | null; body: string; taken: boolean };
let workspaceId: string;
const seeded: Seeded[] = [];

const filters = (query: Record<string, string>): DeliveryFilters => deliveryFiltersSchema.parse(query);

/** The text a search looks in, as the indexes hold it. */
const fields = (row: Seeded) => [row.deliveryId, row.repository, row.action ? `${row.event}.${row.action}` : row.event, row.body];

/** The plain substring check: ids of the deliveries containing the term in any field, any case, newest (highest id) first. */
const containing = (term: string) =>
  seeded
    .filter((row) => row.taken && fields(row).some((field) => field?.toLowerCase().includes(term.toLowerCase())))
    .map((row) => row.id)
    .sort((a, b) => b - a);

/** Every page of the list's search, followed by its cursor. */
async function allPages(q: string, pageSize = 7): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listDeliveries(workspaceId, filters(cursor ? { q, cursor } : { q }), NOW, pageSize);
    pages.push(page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

beforeAll(async () => {
  workspaceId = (await createUser("search", "owner")).workspaceId;
  const values = Array.from({ length: ROWS }, (_, index) => {
    const event = index % 3 === 0 ? "pull_request" : "push";
    return {
      deliveryId: `d-${index}-${((index * 7919) % 10007).toString(36)}`,
      repository: index % 10 === 9 ? null : `org${index % 20}/repo-${index % 50}`,
      event,
      action: event === "pull_request" ? "opened" : null,
      // Each message is in two deliveries; "refs/heads/main" and "fix issue" in every one.
      body: JSON.stringify({ ref: "refs/heads/main", head_commit: { message: `Fix issue ${index % 120} in the parser` } }),
    };
  });
  values.push(
    { deliveryId: "Mixed-Case-ID", repository: "Octo/MiXeD", event: "issues", action: null, body: '{"title":"Say \\"Hello\\" to The World"}' },
    { deliveryId: "accents", repository: null, event: "push", action: null, body: '{"note":"naïve café"}' },
  );
  for (const [index, value] of values.entries()) {
    const [row] = await db()
      .insert(webhookDeliveries)
      .values({
        workspaceId,
        providerId: "github",
        dedupeKey: crypto.randomUUID(),
        ...value,
        receivedAt: NOW - (values.length - index) * 60_000,
        headers: {},
        bodyBytes: value.body.length,
        verified: true,
        ...stateOf(index),
      })
      .returning({ id: webhookDeliveries.id });
    seeded.push({ id: row!.id, ...value, taken: stateOf(index).attempts > 0 });
  }
  // A replay: a processed delivery received again for another attempt (requestReplay, lib/webhooks/dispatcher.ts).
  const replayed = seeded.filter((_, index) => isReplayed(index)).map((row) => row.id);
  await db().update(webhookDeliveries).set({ status: "received", replayRequested: true }).where(inArray(webhookDeliveries.id, replayed));
});

it("searches deliveries in every state, a replayed one too, and none waiting for their first attempt", async () => {
  const statuses = new Map(
    (await db().select({ id: webhookDeliveries.id, status: webhookDeliveries.status, attempts: webhookDeliveries.attempts }).from(webhookDeliveries)).map(
      (row) => [row.id, `${row.status}${row.attempts > 0 ? "" : " (never taken)"}`],
    ),
  );
  const found = new Set((await allPages("fix issue", 50)).flat().map((id) => statuses.get(id)));
  expect([...found].sort()).toEqual(["failed", "processed", "processing", "received", "retrying"]);
  expect(containing("fix issue").length).toBeLessThan(seeded.length - 10);
});

const terms: [string, string][] = [
  ["a phrase of common trigrams", "fix issue 42 in"],
  ["a phrase of common trigrams and a rare number", "fix issue 117 in"],
  ["a repository substring", "g7/repo-4"],
  ["a term in every delivery", "refs/heads/main"],
  ["a rare term (part of one delivery id)", "-137-"],
  ["mixed case", "FIX Issue 42 IN"],
  ["mixed case in the stored text", "mixed-case"],
  ["an event with its action", "request.open"],
  ["a term with double quotes", '"message":"fix issue 4'],
  ["quotes inside the text", 'say \\"hello\\"'],
  ["non-ASCII", "naïve"],
  ["no match", "fix issue 420 in"],
];

describe("search by a term", () => {
  it.each(terms)("%s (%j): the list, page by page, has exactly the deliveries containing it, newest first", async (_, term) => {
    const expected = containing(term);
    const pages = await allPages(term);
    expect(pages.flat()).toEqual(expected);
    expect(pages.every((page) => page.length <= 7)).toBe(true);
  });

  it.each(terms)("%s (%j): the total and the chart count them", async (_, term) => {
    const expected = containing(term).length;
    expect(await countDeliveries(workspaceId, filters({ q: term }), NOW)).toEqual({ count: expected, atLeast: false });
    expect((await deliveryHistogram(workspaceId, filters({ q: term, range: "7d" }), NOW)).total).toBe(expected);
    const bounded = await deliveryHistogram(workspaceId, filters({ q: term, range: "7d" }), NOW, 5);
    expect(bounded.total).toBe(Math.min(expected, 5));
    expect(bounded.bounded !== undefined).toBe(expected > 5);
    if (expected > 3) expect(await countDeliveries(workspaceId, filters({ q: term }), NOW, 3)).toEqual({ count: 3, atLeast: true });
  });

  it("pages back to newer results with the `after` cursor", async () => {
    const term = "fix issue 4";
    const first = await listDeliveries(workspaceId, filters({ q: term }), NOW, 5);
    const second = await listDeliveries(workspaceId, filters({ q: term, cursor: first.nextCursor! }), NOW, 5);
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(containing(term).slice(0, 10));
    const back = await listDeliveries(workspaceId, filters({ q: term, after: second.newerCursor! }), NOW, 5);
    expect(back.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id));
  });

  it("follows the other filters", async () => {
    const failed = (await listDeliveries(workspaceId, filters({ q: "fix issue 4", status: "failed" }), NOW, 1000)).items.map((item) => item.id);
    const statuses = new Map(
      (await db().select({ id: webhookDeliveries.id, status: webhookDeliveries.status }).from(webhookDeliveries)).map((row) => [row.id, row.status]),
    );
    expect(failed).toEqual(containing("fix issue 4").filter((id) => statuses.get(id) === "failed"));
    expect(failed.length).toBeGreaterThan(0);
  });

  it("takes a term shorter than a trigram as a prefix of a delivery id or a repository, as before", async () => {
    const prefixed = (term: string) =>
      seeded
        .filter((row) => row.deliveryId?.startsWith(term) || row.repository?.startsWith(term))
        .map((row) => row.id)
        .sort((a, b) => b - a);
    expect((await allPages("Oc", 50)).flat()).toEqual(prefixed("Oc"));
    expect((await allPages("ac", 50)).flat()).toEqual(prefixed("ac"));
    expect(prefixed("Oc")).toHaveLength(1);
  });
});

describe.runIf(!usingPostgres())("SQLite: the rarest trigrams", () => {
  it("finds the candidates of a phrase of common trigrams through its rare ones only", async () => {
    const query = await rarestTrigramsQuery("fix issue 42 in");
    expect(query).toBeDefined();
    expect(query!.split(" AND ").length).toBeLessThanOrEqual(3);
    expect(query).not.toContain('"fix"');
    expect(query).not.toContain('" in"');
  });

  it("matches a term of common trigrams only, or with other than printable ASCII, as a phrase", async () => {
    expect(await rarestTrigramsQuery("refs/heads/main")).toBeUndefined();
    expect(await rarestTrigramsQuery("naïve")).toBeUndefined();
    expect(await rarestTrigramsQuery("ab")).toBeUndefined();
  });

  it("folds case as FTS5's trigram tokenizer does, also for the characters it folds into ASCII, and skips NUL", async () => {
    const exotic = (await createUser("search-exotic")).workspaceId;
    const bodies = ["300 \u212Aelvin", "cla\u017Fs act", "nu\u0000ll byte", "KELVIN and class", "kelvn"];
    for (const body of bodies)
      await db()
        .insert(webhookDeliveries)
        .values({
          workspaceId: exotic,
          providerId: "github",
          receivedAt: NOW - 1000,
          headers: {},
          body,
          bodyBytes: body.length,
          verified: true,
          status: "processed",
        });
    for (const term of ["kelvin", "Class", "null b", "ll byte"]) {
      const phraseMatches = (
        await rows<{ id: number }>(sql`
          select d.id as "id" from webhook_delivery_search s join webhook_deliveries d on d.id = s.rowid
          where webhook_delivery_search match ${`"${term}"`} and d.workspace_id = ${exotic} order by d.id desc`)
      ).map((row) => Number(row.id));
      expect(phraseMatches.length).toBeGreaterThan(0);
      const found = (await listDeliveries(exotic, filters({ q: term }), NOW)).items.map((item) => item.id);
      expect(found).toEqual(phraseMatches);
      expect(await countDeliveries(exotic, filters({ q: term }), NOW)).toEqual({ count: phraseMatches.length, atLeast: false });
    }
  });
});

describe.runIf(usingPostgres())("PostgreSQL: the rarest pieces", () => {
  const plan = async (term: string) =>
    await transaction(async () => {
      await execute(sql`set local enable_seqscan = off`);
      return (await rows<{ "QUERY PLAN": string }>(sql`explain select id from webhook_deliveries where ${await trigramMatch(term)}`))
        .map((row) => row["QUERY PLAN"])
        .join("\n");
    });

  // The planner's choice on a table this small says little; the conditions it was given say what the index can be asked.
  it("asks the trigram index for the rarest pieces of a phrase of common trigrams, and rechecks the whole term", async () => {
    const steered = await plan("fix issue 117 in");
    expect(steered).toContain("webhook_deliveries_search");
    expect(steered).toContain("(body ~~* '%117%'::text)");
    expect(steered).toContain("((body || ''::text) ~~* '%fix issue 117 in%'::text)");
    expect(steered).not.toContain("(body ~~* '%fix issue 117 in%'::text)");
    expect(steered).not.toContain("'%fix%'");
    // Those in flight: their own index, each checked with the whole term.
    expect(steered).toContain("webhook_deliveries_in_flight");
  });

  it("asks it for the whole term when every piece is common", async () => {
    const plain = await plan("refs/heads/main");
    expect(plain).toContain("(body ~~* '%refs/heads/main%'::text)");
    expect(plain).not.toContain("'%ref%'");
  });
});
