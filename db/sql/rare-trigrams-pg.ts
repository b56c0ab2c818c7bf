import { sql, type SQL } from "drizzle-orm";
import { rows } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { substringPattern } from "./rare-trigrams";

/**
 * dialect: PostgreSQL. pg_trgm's GIN index steered to a search term's rarest trigrams, as
 * ./rare-trigrams.ts does for SQLite's FTS5.
 *
 * For `body ILIKE '%fix issue 4321 in%'` the index reads every trigram of the pattern ("fix",
 * " is", ..., "432", "321"): at a million deliveries the common ones cost 29 ms of a 30 ms search
 * for 193 candidates. Instead the index is asked only for the term's two rarest pieces of three
 * letters or digits (`body ILIKE '%432%' AND body ILIKE '%321%'`: each exactly one trigram to
 * pg_trgm, 2.7 ms for the same candidates; every row containing the term contains them), and
 * each candidate is then checked with the term's own ILIKE on an expression the index does not
 * cover (`(body || '') ILIKE ...`), so the planner rechecks it instead of reading its trigrams.
 * pg_trgm keeps no counts of its trigrams: how rare a piece is is judged from the newest SAMPLE
 * indexed deliveries, which each process reads again every SAMPLE_TTL_MS. A term with no piece
 * in fewer than RARE of them keeps the plain ILIKE.
 */

/** How many of the newest indexed deliveries the rarity of a piece is judged from. */
const SAMPLE = 200;
const SAMPLE_TTL_MS = 5 * 60_000;
/**
 * Seen in fewer than this share of the sample, a piece is rare enough to be asked alone: the whole
 * pattern's trigrams together are often narrower than a piece in a few percent of the rows
 * ("rg7" of "org7/repo-1"), and reading them costs little then.
 */
const RARE = 0.02;
/** How many of the rarest pieces the index is asked for. */
const RAREST = 2;

/** What the trigram index holds (its partial predicate, db/migrations-pg/0021_search_settled.sql): settled deliveries. */
const settled = sql`${webhookDeliveries.status} not in ('received', 'processing')`;

let sample: { takenAt: number; texts: Promise<string[]> } | undefined;

/** The newest indexed deliveries' searched text in lower case, read at most every SAMPLE_TTL_MS. */
function recentTexts(now = Date.now()): Promise<string[]> {
  if (!sample || now - sample.takenAt > SAMPLE_TTL_MS) {
    const texts = rows<{ text: string }>(sql`
      select lower(concat_ws(' ', delivery_id, repository, event, action, body)) as "text" from webhook_deliveries
      where ${settled} order by id desc limit ${SAMPLE}`).then((found) => found.map((row) => row.text));
    sample = { takenAt: now, texts };
    texts.catch(() => (sample = undefined));
  }
  return sample.texts;
}

/** The term's distinct pieces of three ASCII letters or digits, in lower case. */
function piecesOf(term: string): string[] {
  const lower = term.toLowerCase();
  const pieces = Array.from({ length: Math.max(0, lower.length - 2) }, (_, index) => lower.slice(index, index + 3));
  return [...new Set(pieces)].filter((piece) => /^[a-z0-9]{3}$/.test(piece));
}

/** The term's rarest pieces (up to RAREST) that are rare, or undefined when it has none. */
async function rarestPieces(term: string): Promise<string[] | undefined> {
  const pieces = piecesOf(term);
  if (pieces.length === 0) return undefined;
  const texts = await recentTexts();
  const rare = pieces
    .map((piece) => ({ piece, seen: texts.filter((text) => text.includes(piece)).length }))
    .filter((counted) => counted.seen < RARE * Math.max(1, texts.length))
    .sort((a, b) => a.seen - b.seen);
  return rare.length > 0 ? rare.slice(0, RAREST).map((counted) => counted.piece) : undefined;
}

/**
 * Found by the search (db/migrations-pg/0021_search_settled.sql): a settled delivery through the
 * trigram index (its partial predicate), asked for the rarest pieces of the term when it has some,
 * else for the term's own ILIKE; a delivery in flight (being processed, or received again for a
 * replay: a few rows, through their own btree index) by the term's ILIKE alone.
 */
export async function trigramMatch(term: string): Promise<SQL> {
  const d = webhookDeliveries;
  const fields = [d.deliveryId, d.repository, sql`coalesce(${d.event} || coalesce('.' || ${d.action}, ''), '')`, d.body].map((field) => sql`${field}`);
  const pattern = substringPattern(term);
  const inFlight = sql`(${d.status} = 'processing' or (${d.status} = 'received' and ${d.attempts} > 0))`;
  const anyField = (matches: (field: SQL) => SQL) => sql`(${sql.join(fields.map(matches), sql` or `)})`;
  // `|| ''` hides a field from the trigram index: a check of rows found otherwise, not a search of the index.
  const exact = anyField((field) => sql`(${field} || '') ilike ${pattern}`);
  const unindexed = sql`(${inFlight} and ${exact})`;
  const pieces = await rarestPieces(term);
  if (!pieces) return sql`((${settled} and ${anyField((field) => sql`${field} ilike ${pattern}`)}) or ${unindexed})`;
  const candidates = anyField(
    (field) =>
      sql`(${sql.join(
        pieces.map((piece) => sql`${field} ilike ${`%${piece}%`}`),
        sql` and `,
      )})`,
  );
  return sql`((${settled} and ${candidates} and ${exact}) or ${unindexed})`;
}
