CREATE TABLE `agent_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_conversations_user_time` ON `agent_conversations` (`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `agent_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`role` text NOT NULL,
	`content` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `agent_conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_messages_conversation` ON `agent_messages` (`conversation_id`,`id`);--> statement-breakpoint
CREATE TABLE `agent_tool_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`tool_call_id` text NOT NULL,
	`tool_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`input` text NOT NULL,
	`writes` integer NOT NULL,
	`status` text NOT NULL,
	`run_id` text,
	`output` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `agent_conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agent_tool_calls_call` ON `agent_tool_calls` (`conversation_id`,`tool_call_id`);--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `conversation_id` text;--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `mcp_token_name` text;--> statement-breakpoint
CREATE INDEX `tool_runs_conversation` ON `tool_runs` (`conversation_id`);