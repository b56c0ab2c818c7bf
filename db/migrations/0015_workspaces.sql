CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`target` text DEFAULT '' NOT NULL,
	`detail` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_events_workspace_time` ON `audit_events` (`workspace_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_time` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `invites` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_at` integer,
	`accepted_by` text,
	`revoked_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`accepted_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token` ON `invites` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invites_workspace` ON `invites` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `user_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `memberships_user` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`require_second_factor` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `connections` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `workflow_runs` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `agent_conversations` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `openapi_operations` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `openapi_specs` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `access_tokens` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `alert_channels` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `forward_destinations` ADD `workspace_id` text;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `workspace_id` text;
--> statement-breakpoint
UPDATE "openapi_operations" SET "tool_id" = (SELECT "s"."slug" || '-' || substr("s"."user_id", 1, 8) || substr("openapi_operations"."tool_id", length("s"."slug") + 1) FROM "openapi_specs" "s" WHERE "s"."id" = "openapi_operations"."spec_id") WHERE "spec_id" IN (SELECT "s"."id" FROM "openapi_specs" "s" WHERE EXISTS (SELECT 1 FROM "openapi_specs" "earlier" WHERE "earlier"."slug" = "s"."slug" AND ("earlier"."created_at" < "s"."created_at" OR ("earlier"."created_at" = "s"."created_at" AND "earlier"."id" < "s"."id"))));
--> statement-breakpoint
UPDATE "openapi_specs" SET "slug" = "slug" || '-' || substr("user_id", 1, 8) WHERE EXISTS (SELECT 1 FROM "openapi_specs" "earlier" WHERE "earlier"."slug" = "openapi_specs"."slug" AND ("earlier"."created_at" < "openapi_specs"."created_at" OR ("earlier"."created_at" = "openapi_specs"."created_at" AND "earlier"."id" < "openapi_specs"."id")));
--> statement-breakpoint
INSERT INTO "workspaces" ("id", "name") VALUES ('default', 'Default workspace');
--> statement-breakpoint
INSERT INTO "memberships" ("workspace_id", "user_id", "role") SELECT 'default', "id", CASE WHEN "role" = 'owner' THEN 'owner' ELSE 'member' END FROM "user";
--> statement-breakpoint
UPDATE "webhook_endpoints" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "webhook_deliveries" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "alerts" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "alert_channels" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "forward_destinations" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "outbound_messages" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "openapi_specs" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "openapi_operations" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "tool_runs" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "workflow_runs" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "access_tokens" SET "workspace_id" = 'default';
--> statement-breakpoint
UPDATE "agent_conversations" SET "workspace_id" = 'default';
