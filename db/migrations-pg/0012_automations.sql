CREATE TABLE "automation_run_attempts" (
	"run_id" text NOT NULL,
	"number" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"duration_ms" integer,
	"outcome" text NOT NULL,
	"error" text,
	CONSTRAINT "automation_run_attempts_run_id_number_pk" PRIMARY KEY("run_id","number")
);
--> statement-breakpoint
CREATE TABLE "automation_run_steps" (
	"run_id" text NOT NULL,
	"position" integer NOT NULL,
	"step_key" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"attempt" integer,
	"reused" boolean DEFAULT false NOT NULL,
	"input" jsonb,
	"output" jsonb,
	"error" text,
	"workflow_run_id" text,
	"started_at" bigint,
	"ended_at" bigint,
	CONSTRAINT "automation_run_steps_run_id_position_pk" PRIMARY KEY("run_id","position")
);
--> statement-breakpoint
CREATE TABLE "automation_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"automation_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"version" integer NOT NULL,
	"trigger" text NOT NULL,
	"delivery_id" bigint,
	"due_at" bigint,
	"started_by" text,
	"input" jsonb,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint,
	"lease_until" bigint,
	"error" text,
	"created_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "automation_versions" (
	"automation_id" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"changed_by" text,
	"changed_at" bigint NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "automation_versions_automation_id_version_pk" PRIMARY KEY("automation_id","version")
);
--> statement-breakpoint
CREATE TABLE "automations" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"definition" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"seed_key" text,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_by" text,
	"updated_at" bigint NOT NULL,
	"next_due_at" bigint
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "automations_seeded_at" bigint;--> statement-breakpoint
ALTER TABLE "automation_run_attempts" ADD CONSTRAINT "automation_run_attempts_run_id_automation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."automation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_run_steps" ADD CONSTRAINT "automation_run_steps_run_id_automation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."automation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_automation_id_automations_id_fk" FOREIGN KEY ("automation_id") REFERENCES "public"."automations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_versions" ADD CONSTRAINT "automation_versions_automation_id_automations_id_fk" FOREIGN KEY ("automation_id") REFERENCES "public"."automations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automations" ADD CONSTRAINT "automations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "automation_runs_once_per_delivery" ON "automation_runs" USING btree ("automation_id","delivery_id") WHERE "automation_runs"."trigger" = 'delivery';--> statement-breakpoint
CREATE UNIQUE INDEX "automation_runs_once_per_due_time" ON "automation_runs" USING btree ("automation_id","due_at") WHERE "automation_runs"."trigger" = 'schedule';--> statement-breakpoint
CREATE INDEX "automation_runs_automation_time" ON "automation_runs" USING btree ("automation_id","created_at");--> statement-breakpoint
CREATE INDEX "automation_runs_workspace_time" ON "automation_runs" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "automation_runs_delivery" ON "automation_runs" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "automation_runs_due" ON "automation_runs" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "automations_workspace" ON "automations" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "automations_seed" ON "automations" USING btree ("workspace_id","seed_key");--> statement-breakpoint
CREATE INDEX "automations_due" ON "automations" USING btree ("next_due_at");