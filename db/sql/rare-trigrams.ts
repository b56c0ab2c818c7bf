import { sql, type SQL } from "drizzle-orm";
import { rows } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";

/**
 * dialect: SQLite. A search term's candidates through its rarest trigrams, each then checked exactly.
 *
 * FTS5 finds a phrase by stepping all of its trigrams together: at each row where one of them
 * occurs, every other one seeks to it. A phrase made mostly of common trigrams ("fix issue 4321
 * in": "fix", "iss", " in" are in every payload) thus reads the long lists of its common trigrams
 * at every row its rare ones visit: 70-240 ms at a million deliveries however few rows match. For
 * a term of printable ASCII, instead:
 *   1. how many deliveries contain each trigram of the term (up to PROBED of them) is estimated
 *      from its newest SAMPLE occurrences: all of them when it has fewer, else from how many
 *      deliveries back the SAMPLE-th one is (about 0.1 ms a trigram, common or rare);
 *   2. the FTS5 query is the AND of the RAREST rarest that are not common (`"432" AND "321" AND
 *      "21 "`): every row that contains the term contains them, so the candidates include every
 *      match (a common one would cost a seek at each candidate and rule out few);
 *   3. each candidate is checked exactly (`containsTerm`), with the same meaning as the phrase.
 * When every trigram is in most deliveries (COMMON), so is the term as a rule, and its phrase finds
 * the newest ones at once; it, and a term with other characters, are matched as a phrase as before.
 */

/** How many of a trigram's newest occurrences its estimate reads. */
const SAMPLE = 100;
/** In this share of the deliveries or more, a trigram is common. */
const COMMON = 0.5;
/** How many of the rarest trigrams the candidates must contain. */
const RAREST = 3;
/** At most this many of a long term's trigrams are estimated, spread over it. */
const PROBED = 16;

/** Printable ASCII: the terms the exact check below reads as FTS5's trigram tokenizer does. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** The term as one FTS5 phrase: a case-insensitive substring of any indexed column. */
export function phrase(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The distinct trigrams of the term in lower case (ASCII), at most `limit`, spread evenly over it. */
export function trigramsOf(term: string, limit = PROBED): string[] {
  const lower = term.toLowerCase();
  const all = [...new Set(Array.from({ length: Math.max(0, lower.length - 2) }, (_, index) => lower.slice(index, index + 3)))];
  if (all.length <= limit) return all;
  return Array.from({ length: limit }, (_, index) => all[Math.round((index * (all.length - 1)) / (limit - 1))]!);
}

/**
 * The FTS5 query of the term's rarest trigrams (`"432" AND "321" AND "21 "`), or undefined when the
 * term is to be matched as a phrase: not printable ASCII, shorter than a trigram, or all its
 * trigrams common. (Read newest first: FTS5 seeks to the end of a trigram's list at once, while a
 * lower bound on the rowid in ascending order walks the list from its start.)
 */
export async function rarestTrigramsQuery(term: string): Promise<string | undefined> {
  if (term.length < 3 || !PRINTABLE_ASCII.test(term)) return undefined;
  const sample = sql.raw(String(SAMPLE));
  const estimated = await rows<{ query: string; share: number }>(sql`
    with newest (id) as (select max(id) from webhook_deliveries)
    select trigram.value as "query", (
      select case when count(*) < ${sample} then count(*) * 1.0 / newest.id else count(*) * 1.0 / (newest.id - min(found.rowid) + 1) end
      from (select rowid from webhook_delivery_search(trigram.value) order by rowid desc limit ${sample}) as found
    ) as "share"
    from json_each(${JSON.stringify(trigramsOf(term).map(phrase))}) as trigram, newest
    order by "share"`);
  const rare = estimated.filter((trigram) => Number(trigram.share) < COMMON).slice(0, RAREST);
  return rare.length > 0 ? rare.map((trigram) => trigram.query).join(" AND ") : undefined;
}

/** The term as a LIKE (or ILIKE) pattern for a substring, its wildcards and escape character taken literally. */
export function substringPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * A delivery's delivery id, repository, event (with its action) or body contains the term (printable
 * ASCII) as FTS5's trigram phrase matches it. LIKE is case-insensitive for ASCII letters as the
 * trigram tokenizer is, and settles every row but one holding a character the tokenizer reads
 * otherwise: U+212A KELVIN SIGN and U+017F LONG S, which it folds to "k" and "s", and NUL, which it
 * skips (LIKE stops there). Such a row, rare, is asked of FTS5 itself: the phrase at its rowid.
 */
export function containsTerm(term: string): SQL {
  const d = webhookDeliveries;
  const event = sql`coalesce(${d.event} || coalesce('.' || ${d.action}, ''), '')`;
  const pattern = substringPattern(term);
  const fields = [d.deliveryId, d.repository, event, d.body];
  const inAnyField = sql.join(
    fields.map((field) => sql`${field} like ${pattern} escape '\\'`),
    sql` or `,
  );
  const readOtherwise = sql.join(
    fields.flatMap((field) => [0, 383, 8490].map((code) => sql`instr(${field}, char(${sql.raw(String(code))})) > 0`)),
    sql` or `,
  );
  return sql`(${inAnyField} or ((${readOtherwise}) and exists (select 1 from webhook_delivery_search(${phrase(term)}) where rowid = ${d.id})))`;
}
