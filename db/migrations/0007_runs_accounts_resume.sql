ALTER TABLE `tool_runs` ADD `accounts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `delivery_id` integer;--> statement-breakpoint
CREATE INDEX `tool_runs_user_time` ON `tool_runs` (`user_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `workflow_runs` ADD `resumed_from_run_id` text;