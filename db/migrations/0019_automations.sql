CREATE TABLE `automation_run_attempts` (
	`run_id` text NOT NULL,
	`number` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer,
	`outcome` text NOT NULL,
	`error` text,
	PRIMARY KEY(`run_id`, `number`),
	FOREIGN KEY (`run_id`) REFERENCES `automation_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `automation_run_steps` (
	`run_id` text NOT NULL,
	`position` integer NOT NULL,
	`step_key` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempt` integer,
	`reused` integer DEFAULT false NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`workflow_run_id` text,
	`started_at` integer,
	`ended_at` integer,
	PRIMARY KEY(`run_id`, `position`),
	FOREIGN KEY (`run_id`) REFERENCES `automation_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `automation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`automation_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`version` integer NOT NULL,
	`trigger` text NOT NULL,
	`delivery_id` integer,
	`due_at` integer,
	`started_by` text,
	`input` text,
	`dry_run` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`automation_id`) REFERENCES `automations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_runs_once_per_delivery` ON `automation_runs` (`automation_id`,`delivery_id`) WHERE "automation_runs"."trigger" = 'delivery';--> statement-breakpoint
CREATE UNIQUE INDEX `automation_runs_once_per_due_time` ON `automation_runs` (`automation_id`,`due_at`) WHERE "automation_runs"."trigger" = 'schedule';--> statement-breakpoint
CREATE INDEX `automation_runs_automation_time` ON `automation_runs` (`automation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_workspace_time` ON `automation_runs` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_delivery` ON `automation_runs` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `automation_runs_due` ON `automation_runs` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `automation_versions` (
	`automation_id` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`changed_by` text,
	`changed_at` integer NOT NULL,
	`summary` text NOT NULL,
	PRIMARY KEY(`automation_id`, `version`),
	FOREIGN KEY (`automation_id`) REFERENCES `automations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`definition` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`seed_key` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	`next_due_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `automations_workspace` ON `automations` (`workspace_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `automations_seed` ON `automations` (`workspace_id`,`seed_key`);--> statement-breakpoint
CREATE INDEX `automations_due` ON `automations` (`next_due_at`);--> statement-breakpoint
ALTER TABLE `workspaces` ADD `automations_seeded_at` integer;