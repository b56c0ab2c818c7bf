-- The delivery search's GIN trigram index (0001_delivery_search.sql) holds a delivery once it is
-- settled, not from its first take. PostgreSQL adds a row's entries to every index at each update
-- that changes an indexed column (no HOT update), and status is in several: with the index's old
-- predicate (attempts > 0 or status <> 'received') the dispatcher's take and its settle each
-- tokenized the whole body again, about 0.3 ms of the server's CPU per update for a 3 KB push, the
-- largest part of processing's cost in the database. Now only a settled or retrying delivery is in
-- it, so a delivery processed once is tokenized once.
-- The search still finds what it found before (SQLite's FTS5 table too: a delivery taken at least
-- once, or stored finished): the few deliveries in flight (being processed, or received again for
-- a replay) are read through the small btree index below and matched with ILIKE without trigrams:
--   where (status not in ('received', 'processing') and <the fields ILIKE the term, through the GIN index>)
--      or ((status = 'processing' or (status = 'received' and attempts > 0)) and <the same ILIKEs>)
DROP INDEX IF EXISTS "webhook_deliveries_search";
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_search" ON "webhook_deliveries" USING gin (
  "delivery_id" gin_trgm_ops,
  "repository" gin_trgm_ops,
  (coalesce("event" || coalesce('.' || "action", ''), '')) gin_trgm_ops,
  "body" gin_trgm_ops
) WHERE "status" NOT IN ('received', 'processing');
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_in_flight" ON "webhook_deliveries" USING btree ("id")
  WHERE "status" = 'processing' OR ("status" = 'received' AND "attempts" > 0);
