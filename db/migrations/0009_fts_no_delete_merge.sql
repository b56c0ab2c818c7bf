-- Retention removes the bodies of old deliveries from the search index in small batches. By
-- default FTS5 rewrites a whole index segment as soon as a tenth of its rows are deleted
-- ('deletemerge' 10): at a million deliveries that is one write of hundreds of megabytes, holding
-- the write lock for seconds. With 0, deleted entries are dropped when the index's ordinary
-- incremental merges reach them (or at once by `npm run db:vacuum`), and no batch stalls intake.
INSERT INTO webhook_delivery_search(webhook_delivery_search, rank) VALUES('deletemerge', 0);
