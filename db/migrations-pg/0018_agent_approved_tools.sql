ALTER TABLE "agent_conversations" ADD COLUMN "approved_tools" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ADD COLUMN "proposed_input" jsonb;