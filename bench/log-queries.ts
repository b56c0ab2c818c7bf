/**
 * The log viewer's queries as the bench times them, the same list on SQLite (bench/log-viewer.ts)
 * and on PostgreSQL (bench/log-viewer-pg.ts): the very functions the Webhooks page calls
 * (lib/webhooks/queries.ts), each run once to warm up and then `repeat` times, with the plan of
 * the main statement it ran. Import it only after DATABASE_URL is set (db/client reads it).
 */
import { countDeliveries, deliveryHistogram, knownEventActions, rollUpAllDeliveryHours } from "@/lib/webhooks/chart";
import { deliveryFiltersSchema, deliveryHealth, failedCount, knownEvents, listDeliveries } from "@/lib/webhooks/queries";

export type Timing = { name: string; medianMs: number; maxMs: number; rows: number; plan: string[] };

/** Records the statements a query function runs, to show the plan of its main one. */
export type Tracer = { reset(): void; explainMain(): Promise<string[]> };

export type LogContext = {
  /** The workspace whose log is viewed (the table also holds another's). */
  workspaceId: string;
  /** Just after the newest row, so the range filters and the chart see a full window. */
  now: number;
  /** A delivery id of this workspace's, from the middle of the table. */
  sampleId: string;
  workspaceRows: number;
  /** The keyset cursor ("receivedAt.id") of this workspace's row at `offset`, newest first. */
  cursorAt(offset: number): Promise<string>;
};

async function time(name: string, run: () => Promise<{ rows: number }>, tracer: Tracer, repeat = 7): Promise<Timing> {
  await run(); // warm the cache and the statement
  const durations: number[] = [];
  let rows = 0;
  for (let index = 0; index < repeat; index++) {
    tracer.reset();
    const started = performance.now();
    rows = (await run()).rows;
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  return {
    name,
    medianMs: +durations[Math.floor(durations.length / 2)]!.toFixed(2),
    maxMs: +durations.at(-1)!.toFixed(2),
    rows,
    plan: await tracer.explainMain(),
  };
}

/**
 * The chart at every filter it follows (7 days in 6-hour bars, and "All": 30 daily bars), the
 * log's total, and the Event box's suggestions, first counted from the deliveries alone (the roll-up
 * not run yet), then after rolling every closed hour up as the server's background loop does.
 * Called before measureLogViewer's list timings, on a freshly seeded table.
 */
export async function measureChart({ workspaceId, now }: LogContext, tracer: Tracer): Promise<{ rollUpSeconds: number; timings: Timing[] }> {
  const parse = (query: Record<string, string>) => deliveryFiltersSchema.parse(query);
  const chart = (query: Record<string, string>) => async () => ({
    rows: (await deliveryHistogram(workspaceId, parse(query), now)).total,
  });
  const measure = (name: string, run: () => Promise<{ rows: number }>) => time(name, run, tracer);
  const timings = [await measure("chart, 7 d, from the deliveries (before the roll-up)", chart({ range: "7d" }))];
  const started = performance.now();
  await rollUpAllDeliveryHours(now);
  const rollUpSeconds = +((performance.now() - started) / 1000).toFixed(1);
  const filtersOfChart: [string, Record<string, string>][] = [
    ["no filter", {}],
    ["provider = stripe", { provider: "stripe" }],
    ["event = push", { event: "push" }],
    ["event = pull_request.opened", { event: "pull_request.opened" }],
    ["event typed: pull", { event: "pull" }],
    ["status = failed", { status: "failed" }],
    ["verified = no", { verified: "no" }],
    ["provider + event + status", { provider: "github", event: "push", status: "failed" }],
  ];
  for (const [name, query] of filtersOfChart) timings.push(await measure(`chart, 7 d, ${name}`, chart({ range: "7d", ...query })));
  timings.push(
    await measure("chart, 24 h (hourly bars)", chart({ range: "24h" })),
    await measure("chart, All (30 daily bars)", chart({})),
    await measure("chart, All, status = failed", chart({ status: "failed" })),
    await measure("chart, 1 h (5-minute bars, from the deliveries)", chart({ range: "1h" })),
    await measure("chart, All, provider = stripe", chart({ provider: "stripe" })),
    await measure("chart, All, event = push", chart({ event: "push" })),
    await measure("chart, 7 d, q = payload text, rare (search: from the deliveries)", chart({ range: "7d", q: "fix issue 4321 in" })),
    await measure("chart, All, q = payload text, rare", chart({ q: "fix issue 4321 in" })),
    await measure("chart, 7 d, q = payload text in every row (newest 10,000 counted)", chart({ range: "7d", q: "refs/heads/main" })),
    await measure("chart, All, q = repository substring", chart({ q: "g7/repo-4" })),
    await measure("total, no filter (All)", async () => ({ rows: (await countDeliveries(workspaceId, parse({}), now)).count })),
    await measure("total, 7 d", async () => ({ rows: (await countDeliveries(workspaceId, parse({ range: "7d" }), now)).count })),
    await measure("total, 24 h + status = failed", async () => ({
      rows: (await countDeliveries(workspaceId, parse({ range: "24h", status: "failed" }), now)).count,
    })),
    await measure("total, q = payload text, rare (counted to 10,000)", async () => ({
      rows: (await countDeliveries(workspaceId, parse({ q: "fix issue 4321 in" }), now)).count,
    })),
    await measure("total, q = payload text in every row (counted to 10,000)", async () => ({
      rows: (await countDeliveries(workspaceId, parse({ q: "refs/heads/main" }), now)).count,
    })),
    await measure("event.action suggestions", async () => ({ rows: (await knownEventActions(workspaceId, now)).length })),
  );
  return { rollUpSeconds, timings };
}

export async function measureLogViewer({ workspaceId, now, sampleId, workspaceRows, cursorAt }: LogContext, tracer: Tracer): Promise<Timing[]> {
  const list = (query: Record<string, string>) => async () => ({
    rows: (await listDeliveries(workspaceId, deliveryFiltersSchema.parse(query), now)).items.length,
  });
  const deep = Math.floor(workspaceRows * 0.9);
  const measure = (name: string, run: () => Promise<{ rows: number }>) => time(name, run, tracer);
  return [
    await measure("first page (no filter)", list({})),
    await measure("provider = stripe", list({ provider: "stripe" })),
    await measure("event = issues", list({ event: "issues" })),
    await measure("status = failed", list({ status: "failed" })),
    await measure("verified = no", list({ verified: "no" })),
    await measure("range = 1h", list({ range: "1h" })),
    await measure("range = 24h", list({ range: "24h" })),
    await measure("provider + status + 7d", list({ provider: "github", status: "failed", range: "7d" })),
    await measure("q = delivery id", list({ q: sampleId })),
    await measure("q = delivery id prefix, other case", list({ q: sampleId.slice(0, 9).toUpperCase() })),
    await measure("q = repository prefix", list({ q: "org7/repo-1" })),
    await measure("q = repository substring", list({ q: "g7/repo-4" })),
    await measure("q = payload text, rare", list({ q: "fix issue 4321 in" })),
    await measure("q = payload text, in every row", list({ q: "refs/heads/main" })),
    await measure("q = payload text + status = failed", list({ q: "fix issue 4321 in", status: "failed" })),
    await measure("event = pull_request.opened", list({ event: "pull_request.opened" })),
    await measure(`deep keyset page (row ${deep.toLocaleString("en")})`, list({ cursor: await cursorAt(deep) })),
    await measure("deep keyset page, status = failed", list({ status: "failed", cursor: await cursorAt(deep) })),
    await measure("failed count (Replay N failed)", async () => ({ rows: await failedCount(workspaceId, {}, now) })),
    await measure("overview: deliveries by status, 24 h", async () => ({ rows: (await deliveryHealth(workspaceId, now - 86_400_000)).received })),
    await measure("known events (filter menu)", async () => ({ rows: (await knownEvents(workspaceId)).length })),
  ];
}
