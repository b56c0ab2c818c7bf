-- The delivery search's GIN trigram index (0001_delivery_search.sql) holds a delivery once it is
-- settled, not from its first take. PostgreSQL adds a row's entries to every index at each update
-- that changes an indexed column (no HOT update), and status is in several: with the index's old
-- predicate (attempts > 0 or status <> 'received') the dispatcher's take and its settle each
-- tokenized the whole body again, about 0.3 ms of the server's CPU per update for a 3 KB push, the
-- largest part of processing's cost in the database. Held once settled, a delivery processed once
-- is tokenized once.
-- The search still finds what it found before (SQLite's FTS5 table too: a delivery taken at least
-- once, or stored finished): the few deliveries in flight (being processed, or received again for
-- a replay) are read through the small btree index below and matched with ILIKE without trigrams:
--   where (status not in ('received', 'processing') and <the fields ILIKE the term, through the GIN index>)
--      or ((status = 'processing' or (status = 'received' and attempts > 0)) and <the same ILIKEs>)
-- (db/sql/rare-trigrams-pg.ts). The query is right with either form of the GIN index.
CREATE INDEX "webhook_deliveries_in_flight" ON "webhook_deliveries" USING btree ("id")
  WHERE "status" = 'processing' OR ("status" = 'received' AND "attempts" > 0);
--> statement-breakpoint
-- Rebuilding the GIN index takes about 40 s per 200,000 deliveries of 3 KB, with intake's inserts
-- locked out for as long in a migration. A log of fewer than 20,000 (a few seconds) is rebuilt
-- here; a larger one after start-up without stopping intake (CREATE INDEX CONCURRENTLY, which a
-- migration's transaction cannot run: rebuildSearchIndex in db/sql/search-index-pg.ts).
DO $$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM "webhook_deliveries" LIMIT 20000) AS "first") < 20000 THEN
    DROP INDEX IF EXISTS "webhook_deliveries_search";
    CREATE INDEX "webhook_deliveries_search" ON "webhook_deliveries" USING gin (
      "delivery_id" gin_trgm_ops,
      "repository" gin_trgm_ops,
      (coalesce("event" || coalesce('.' || "action", ''), '')) gin_trgm_ops,
      "body" gin_trgm_ops
    ) WHERE "status" NOT IN ('received', 'processing');
  END IF;
END
$$;
