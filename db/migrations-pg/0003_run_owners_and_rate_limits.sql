CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"tat" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tool_runs" ADD COLUMN "runner_instance" text;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "runner_instance" text;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ADD COLUMN "runner_instance" text;--> statement-breakpoint
CREATE INDEX "tool_runs_running" ON "tool_runs" USING btree ("runner_instance") WHERE "tool_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "agent_tool_calls_running" ON "agent_tool_calls" USING btree ("runner_instance") WHERE "agent_tool_calls"."status" = 'running';