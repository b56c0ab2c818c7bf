import pg from "pg";
import { log } from "@/lib/platform/log";

/**
 * dialect: PostgreSQL. The delivery search's GIN trigram index rebuilt for settled deliveries
 * (db/migrations-pg/0021_search_settled.sql) on a log too large to rebuild inside the migration:
 * CREATE INDEX CONCURRENTLY beside the old index, which keeps serving the search meanwhile, then the
 * old one dropped and the new one renamed in its place. Intake and processing go on throughout.
 * One process at a time (an advisory lock held by this connection, released when it closes); one
 * stopped halfway leaves an invalid index or both, which the next start finishes from.
 */

const SEARCH = "webhook_deliveries_search";
const BUILDING = "webhook_deliveries_search_settled";
/** Any constant, distinct from the migrations' lock (db/postgres.ts). */
export const REBUILD_LOCK = 0x5041_5453; // "PATS"

const DEFINITION = `ON webhook_deliveries USING gin (
  delivery_id gin_trgm_ops,
  repository gin_trgm_ops,
  (coalesce(event || coalesce('.' || action, ''), '')) gin_trgm_ops,
  body gin_trgm_ops
) WHERE status NOT IN ('received', 'processing')`;

type IndexState = { valid: boolean; settled: boolean };

/** The search index and the one being built, if they exist: valid or not, and whether each holds settled deliveries only. */
async function indexStates(client: pg.ClientBase): Promise<Map<string, IndexState>> {
  const { rows } = await client.query<{ name: string; valid: boolean; predicate: string | null }>(
    `select c.relname as name, i.indisvalid as valid, pg_get_expr(i.indpred, i.indrelid) as predicate
     from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = 'webhook_deliveries'::regclass and c.relname = any($1::text[])`,
    [[SEARCH, BUILDING]],
  );
  return new Map(rows.map((row) => [row.name, { valid: row.valid, settled: (row.predicate ?? "").includes("'processing'") }]));
}

/** Whether the search index still holds deliveries from their first take (a log migration 0021 left to rebuild after start-up). */
export async function searchIndexNeedsRebuild(client: pg.ClientBase): Promise<boolean> {
  const search = (await indexStates(client)).get(SEARCH);
  return !search || !search.valid || !search.settled;
}

export type RebuildOutcome = "current" | "rebuilt" | "busy";

/** Rebuilds the search index for settled deliveries if it is not yet; "busy" when another process is at it. */
export async function rebuildSearchIndex(connectionString: string): Promise<RebuildOutcome> {
  const client = new pg.Client({ connectionString });
  // A connection lost between statements (a server restart) must not take the process down; the statement under way fails the rebuild.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [REBUILD_LOCK]);
    if (!rows[0]?.locked) return "busy";
    const states = await indexStates(client);
    const search = states.get(SEARCH);
    const building = states.get(BUILDING);
    if (search?.valid && search.settled) {
      if (building) await client.query(`drop index concurrently if exists ${BUILDING}`);
      return "current";
    }
    const started = Date.now();
    log.info("rebuilding the delivery search index for settled deliveries; the search and intake go on meanwhile", { index: SEARCH });
    if (building && !building.valid) await client.query(`drop index concurrently if exists ${BUILDING}`);
    if (!building?.valid) await client.query(`create index concurrently ${BUILDING} ${DEFINITION}`);
    await client.query(`drop index concurrently if exists ${SEARCH}`);
    await client.query(`alter index ${BUILDING} rename to ${SEARCH}`);
    log.info("rebuilt the delivery search index", { index: SEARCH, seconds: Math.round((Date.now() - started) / 1000) });
    return "rebuilt";
  } finally {
    await client.end();
  }
}
