PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `alert_deliveries` (
	`alert_id` text NOT NULL,
	`delivery_id` integer NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`alert_id`, `delivery_id`),
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_alert_seen` ON `alert_deliveries` (`alert_id`,`seen_at`);--> statement-breakpoint
CREATE TABLE `__new_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`fingerprint` text NOT NULL,
	`title` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`link` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`muted_until` integer,
	`openings` integer DEFAULT 1 NOT NULL,
	`occurrences` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`status_changed_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_alerts`("id", "workspace_id", "kind", "subject", "fingerprint", "title", "detail", "link", "status", "openings", "occurrences", "created_at", "last_seen_at", "status_changed_at") SELECT "id", "workspace_id", "kind", "subject", 'legacy:' || "id", "title", "detail", "link", CASE WHEN "acknowledged_at" IS NULL THEN 'open' ELSE 'resolved' END, 1, 1, "created_at", "created_at", coalesce("acknowledged_at", "created_at") FROM `alerts`;--> statement-breakpoint
DROP TABLE `alerts`;--> statement-breakpoint
ALTER TABLE `__new_alerts` RENAME TO `alerts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_workspace_fingerprint` ON `alerts` (`workspace_id`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `alerts_workspace_status_seen` ON `alerts` (`workspace_id`,`status`,`last_seen_at`);--> statement-breakpoint
DROP INDEX `outbound_messages_forward`;--> statement-breakpoint
DROP INDEX `outbound_messages_alert`;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `alert_opening` integer;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `url` text;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `body` text;--> statement-breakpoint
UPDATE `outbound_messages` SET `alert_opening` = 1 WHERE `kind` = 'alert';--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_forward` ON `outbound_messages` (`delivery_id`,`destination_id`) WHERE "outbound_messages"."kind" = 'forward';--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_alert` ON `outbound_messages` (`alert_id`,`channel_id`,`alert_opening`);--> statement-breakpoint
ALTER TABLE `outbound_attempts` ADD `response_head` text;