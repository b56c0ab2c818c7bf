ALTER TABLE `agent_conversations` ADD `approved_tools` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agent_tool_calls` ADD `proposed_input` text;