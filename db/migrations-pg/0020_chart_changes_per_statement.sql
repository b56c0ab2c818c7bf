-- The chart's change rows (0015_chart_rollup.sql) written once per statement instead of twice per
-- changed row. The dispatcher takes and settles deliveries in batches (up to 64 rows an update); a
-- row trigger added two rows to webhook_delivery_changes for each, in the statement that every
-- delivery waits on. A statement trigger adds one row per group of the chart's attributes, with
-- the group's sum (a batch of pushes taken for processing: one -64 and one +64), and nothing when
-- the statement changed no status or endpoint. The counts the chart reads are the same sums.
-- SQLite has no statement triggers and keeps its row triggers (db/migrations/0015_chart_rollup.sql).
-- A transition table may not be declared on a trigger with a column list, so the update trigger
-- fires for every update of webhook_deliveries and finds the changed rows itself.
DROP TRIGGER IF EXISTS "webhook_deliveries_chart_update" ON "webhook_deliveries";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "webhook_deliveries_chart_delete" ON "webhook_deliveries";
--> statement-breakpoint
DROP FUNCTION IF EXISTS webhook_deliveries_chart_change();
--> statement-breakpoint
-- Deliveries whose status or endpoint changed: -1 for where the chart counted each, +1 for where it belongs now, summed per group.
CREATE FUNCTION webhook_deliveries_chart_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_delivery_changes (workspace_id, hour, provider_id, endpoint_id, event, action, verified, status, count)
    SELECT c.workspace_id, c.hour, c.provider_id, c.endpoint_id, c.event, c.action, c.verified, c.status, sum(c.count)
    FROM old_rows o
    JOIN new_rows n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES
      (o.workspace_id, o.received_at / 3600000, o.provider_id, o.endpoint_id, o.event, o.action, o.verified, o.status, -1),
      (n.workspace_id, n.received_at / 3600000, n.provider_id, n.endpoint_id, n.event, n.action, n.verified, n.status, 1)
    ) AS c (workspace_id, hour, provider_id, endpoint_id, event, action, verified, status, count)
    WHERE o.status IS DISTINCT FROM n.status OR o.endpoint_id IS DISTINCT FROM n.endpoint_id
    GROUP BY c.workspace_id, c.hour, c.provider_id, c.endpoint_id, c.event, c.action, c.verified, c.status
    HAVING sum(c.count) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Deleted deliveries (retention, a workspace removed): -1 each for where the chart counted it, summed per group.
CREATE FUNCTION webhook_deliveries_chart_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_delivery_changes (workspace_id, hour, provider_id, endpoint_id, event, action, verified, status, count)
    SELECT workspace_id, received_at / 3600000, provider_id, endpoint_id, event, action, verified, status, -count(*)
    FROM old_rows
    GROUP BY workspace_id, received_at / 3600000, provider_id, endpoint_id, event, action, verified, status;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "webhook_deliveries_chart_update" AFTER UPDATE ON "webhook_deliveries"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_chart_updated();
--> statement-breakpoint
CREATE TRIGGER "webhook_deliveries_chart_delete" AFTER DELETE ON "webhook_deliveries"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_chart_deleted();
