CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`tat` real NOT NULL
);
--> statement-breakpoint
ALTER TABLE `agent_tool_calls` ADD `runner_instance` text;--> statement-breakpoint
CREATE INDEX `agent_tool_calls_running` ON `agent_tool_calls` (`runner_instance`) WHERE "agent_tool_calls"."status" = 'running';--> statement-breakpoint
ALTER TABLE `tool_runs` ADD `runner_instance` text;--> statement-breakpoint
CREATE INDEX `tool_runs_running` ON `tool_runs` (`runner_instance`) WHERE "tool_runs"."status" = 'running';--> statement-breakpoint
ALTER TABLE `workflow_runs` ADD `runner_instance` text;