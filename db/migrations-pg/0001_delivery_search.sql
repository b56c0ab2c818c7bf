-- Search over deliveries (the log viewer's search box): case-insensitive substrings of the delivery
-- id, the repository, the event (with its action) and the stored body, through a GIN trigram index.
-- The twin of SQLite's FTS5 table in db/migrations/0004_delivery_search.sql, over the same text:
--   * one index column per searched field, so a term matches within a field, never across two;
--   * partial, like SQLite's triggers: a delivery enters the index when the dispatcher first takes it
--     (attempts > 0) or when it is stored already finished (status <> 'received'), so intake does
--     not pay for tokenizing the body;
--   * retention sets body to '' (lib/retention.ts), which removes its text from the index as SQLite's
--     trimmed trigger does.
-- A query uses it with the same predicate and the same event expression, e.g.
--   where (attempts > 0 or status <> 'received') and (delivery_id ilike $1 or repository ilike $1
--     or coalesce(event || coalesce('.' || action, ''), '') ilike $1 or body ilike $1)
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_deliveries_search" ON "webhook_deliveries" USING gin (
  "delivery_id" gin_trgm_ops,
  "repository" gin_trgm_ops,
  (coalesce("event" || coalesce('.' || "action", ''), '')) gin_trgm_ops,
  "body" gin_trgm_ops
) WHERE "attempts" > 0 OR "status" <> 'received';
