CREATE TABLE `webhook_delivery_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`hour` integer NOT NULL,
	`provider_id` text NOT NULL,
	`endpoint_id` text,
	`event` text,
	`action` text,
	`verified` integer NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_changes_workspace_hour` ON `webhook_delivery_changes` (`workspace_id`,`hour`);--> statement-breakpoint
CREATE INDEX `webhook_delivery_changes_hour` ON `webhook_delivery_changes` (`hour`);--> statement-breakpoint
CREATE TABLE `webhook_delivery_hours` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`hour` integer NOT NULL,
	`provider_id` text NOT NULL,
	`endpoint_id` text,
	`event` text,
	`action` text,
	`verified` integer NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_hours_workspace_hour` ON `webhook_delivery_hours` (`workspace_id`,`hour`);--> statement-breakpoint
CREATE TABLE `webhook_delivery_rollup` (
	`id` integer PRIMARY KEY NOT NULL,
	`next_hour` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `webhook_deliveries_chart_update` AFTER UPDATE OF `status`, `endpoint_id` ON `webhook_deliveries`
WHEN old.status IS NOT new.status OR old.endpoint_id IS NOT new.endpoint_id BEGIN
  INSERT INTO `webhook_delivery_changes` (`workspace_id`, `hour`, `provider_id`, `endpoint_id`, `event`, `action`, `verified`, `status`, `count`) VALUES
    (old.workspace_id, old.received_at / 3600000, old.provider_id, old.endpoint_id, old.event, old.action, old.verified, old.status, -1),
    (new.workspace_id, new.received_at / 3600000, new.provider_id, new.endpoint_id, new.event, new.action, new.verified, new.status, 1);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_deliveries_chart_delete` AFTER DELETE ON `webhook_deliveries` BEGIN
  INSERT INTO `webhook_delivery_changes` (`workspace_id`, `hour`, `provider_id`, `endpoint_id`, `event`, `action`, `verified`, `status`, `count`) VALUES
    (old.workspace_id, old.received_at / 3600000, old.provider_id, old.endpoint_id, old.event, old.action, old.verified, old.status, -1);
END;
