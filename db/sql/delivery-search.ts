import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { db, usingPostgres } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { containsTerm, phrase, rarestTrigramsQuery } from "./rare-trigrams";
import { trigramMatch } from "./rare-trigrams-pg";

/**
 * dialect: full-text search over deliveries. Both hold the same rows (taken at least once, or
 * stored finished) and match case-insensitive substrings of the delivery id, the repository, the
 * event (with its action) and the body:
 *   - SQLite: the FTS5 trigram table of db/migrations/0004, matched with MATCH: the term's rarest
 *     trigrams, each candidate then checked exactly, or the whole term as a phrase (./rare-trigrams.ts);
 *   - PostgreSQL: settled deliveries through the GIN trigram index of
 *     db/migrations-pg/0001_delivery_search.sql (held once settled since 0021_search_settled.sql),
 *     used through its own WHERE and ILIKE on each indexed field, asked for the term's rarest
 *     pieces only when it has some; the few in flight through ILIKE alone (./rare-trigrams-pg.ts).
 */

/** The FTS5 table (not in db/schema: drizzle-kit cannot create FTS5 tables), declared so queries can join and match it. */
const deliverySearch = sqliteTable("webhook_delivery_search", {
  rowid: integer("rowid").notNull(),
  deliveryId: text("delivery_id"),
});

/** SQLite: the conditions that find the term: a MATCH on the FTS5 table, and maybe a check of each candidate delivery. */
async function ftsMatch(term: string): Promise<SQL[]> {
  const rare = await rarestTrigramsQuery(term);
  if (rare === undefined) return [sql`${deliverySearch} match ${phrase(term)}`];
  return [sql`${deliverySearch} match ${rare}`, containsTerm(term)];
}

/** The columns the webhook log lists (lib/webhooks/queries.ts). */
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
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  processingMs: webhookDeliveries.processingMs,
  reason: webhookDeliveries.reason,
  lastError: webhookDeliveries.lastError,
  endpointId: webhookDeliveries.endpointId,
};

/** A condition on webhook_deliveries: the delivery is in the search index and matches the term. */
export async function searchMatches(term: string): Promise<SQL> {
  if (usingPostgres()) return await trigramMatch(term);
  const [match, check] = await ftsMatch(term);
  const candidates = inArray(webhookDeliveries.id, db().select({ id: deliverySearch.rowid }).from(deliverySearch).where(match));
  return check ? and(candidates, check)! : candidates;
}

/** Up to `limit` indexed deliveries matching the term and `where`, newest (highest id) first as the log lists them, or oldest first (to page back to newer ones). */
export async function indexedMatches(term: string, where: SQL[], limit: number, oldestFirst = false) {
  const order = oldestFirst ? asc : desc;
  if (usingPostgres()) {
    return await db()
      .select(listColumns)
      .from(webhookDeliveries)
      .where(and(...where, await trigramMatch(term)))
      .orderBy(order(webhookDeliveries.id))
      .limit(limit);
  }
  return await db()
    .select(listColumns)
    .from(deliverySearch)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, deliverySearch.rowid))
    .where(and(...where, ...(await ftsMatch(term))))
    .orderBy(order(deliverySearch.rowid))
    .limit(limit);
}

/**
 * The newest `limit` deliveries (highest id first) matching `where` and, given a term, the search
 * index, as a subquery of their id, arrival and status: what the log's chart counts when a search
 * is typed. Read in the index's own order and stopped at `limit`, so a term in every delivery
 * costs no more than `limit` rows.
 */
export async function newestMatching(term: string | undefined, where: SQL[], limit: number) {
  const d = webhookDeliveries;
  const columns = { id: d.id, receivedAt: d.receivedAt, status: d.status };
  if (!term)
    return db()
      .select(columns)
      .from(d)
      .where(and(...where))
      .orderBy(desc(d.id))
      .limit(limit)
      .as("newest");
  if (usingPostgres()) {
    return db()
      .select(columns)
      .from(d)
      .where(and(...where, await trigramMatch(term)))
      .orderBy(desc(d.id))
      .limit(limit)
      .as("newest");
  }
  return db()
    .select(columns)
    .from(deliverySearch)
    .innerJoin(d, eq(d.id, deliverySearch.rowid))
    .where(and(...where, ...(await ftsMatch(term))))
    .orderBy(desc(deliverySearch.rowid))
    .limit(limit)
    .as("newest");
}
