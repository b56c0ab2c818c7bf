-- Full-text search over deliveries (the log viewer's search box): case-insensitive substrings of
-- the delivery id, the repository, the event and the stored body, through a trigram index.
-- Contentless (the text lives in webhook_deliveries) with contentless_delete so a row can leave it.
-- A delivery is indexed when the dispatcher first takes it (attempts 0 -> 1), not at intake:
-- tokenizing a 7 KB body costs more than storing it, and intake must stay at the floor's speed.
-- Deliveries stored already finished (refusals, answered challenges) are indexed at insert; a
-- replay of one (replay_requested) is already in the index.
CREATE VIRTUAL TABLE `webhook_delivery_search` USING fts5(delivery_id, repository, event, body, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_unprocessed` AFTER INSERT ON `webhook_deliveries` WHEN new.status <> 'received' BEGIN
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_taken` AFTER UPDATE OF attempts ON `webhook_deliveries` WHEN old.attempts = 0 AND new.attempts > 0 AND new.replay_requested = 0 BEGIN
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_trimmed` AFTER UPDATE OF trimmed_at ON `webhook_deliveries` WHEN old.trimmed_at IS NULL AND new.trimmed_at IS NOT NULL BEGIN
  -- Retention dropped the body: its text leaves the index too.
  DELETE FROM webhook_delivery_search WHERE rowid = new.id;
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), '');
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_removed` AFTER DELETE ON `webhook_deliveries` BEGIN
  DELETE FROM webhook_delivery_search WHERE rowid = old.id;
END;
--> statement-breakpoint
INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  SELECT id, delivery_id, repository, coalesce(event || coalesce('.' || action, ''), ''), CASE WHEN trimmed_at IS NULL THEN body ELSE '' END FROM webhook_deliveries WHERE attempts > 0 OR status <> 'received';
