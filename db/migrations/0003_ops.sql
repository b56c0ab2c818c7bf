CREATE TABLE `alert_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`secret_sealed` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_channels_user` ON `alert_channels` (`user_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`open_key` text,
	`title` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`link` text NOT NULL,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_user_open` ON `alerts` (`user_id`,`open_key`);--> statement-breakpoint
CREATE INDEX `alerts_user_time` ON `alerts` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `forward_destinations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`endpoint_id` text,
	`url` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`events` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `forward_destinations_user` ON `forward_destinations` (`user_id`);--> statement-breakpoint
CREATE INDEX `forward_destinations_endpoint` ON `forward_destinations` (`provider_id`,`endpoint_id`);--> statement-breakpoint
CREATE TABLE `outbound_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`number` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status_code` integer,
	`error` text,
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbound_attempts_message` ON `outbound_attempts` (`message_id`,`number`);--> statement-breakpoint
CREATE TABLE `outbound_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`delivery_id` integer,
	`destination_id` text,
	`alert_id` text,
	`channel_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`destination_id`) REFERENCES `forward_destinations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`channel_id`) REFERENCES `alert_channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_forward` ON `outbound_messages` (`delivery_id`,`destination_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_alert` ON `outbound_messages` (`alert_id`,`channel_id`);--> statement-breakpoint
CREATE INDEX `outbound_messages_due` ON `outbound_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `trimmed_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `trimmed_at` integer;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_untrimmed` ON `webhook_deliveries` (`trimmed_at`,`received_at`);--> statement-breakpoint
ALTER TABLE `workflow_runs` ADD `trimmed_at` integer;