ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "openapi_operations" DROP CONSTRAINT "openapi_operations_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "openapi_specs" DROP CONSTRAINT "openapi_specs_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "forward_destinations" DROP CONSTRAINT "forward_destinations_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "outbound_messages" DROP CONSTRAINT "outbound_messages_user_id_user_id_fk";
--> statement-breakpoint
DROP INDEX "connections_user_provider_account";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_time";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_status_time";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_provider_time";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_event_time";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_delivery";--> statement-breakpoint
DROP INDEX "webhook_deliveries_user_repository";--> statement-breakpoint
DROP INDEX "webhook_endpoints_user";--> statement-breakpoint
DROP INDEX "tool_runs_user_tool_time";--> statement-breakpoint
DROP INDEX "tool_runs_user_time";--> statement-breakpoint
DROP INDEX "workflow_runs_user_time";--> statement-breakpoint
DROP INDEX "openapi_specs_user_slug";--> statement-breakpoint
DROP INDEX "alert_channels_user";--> statement-breakpoint
DROP INDEX "alerts_user_open";--> statement-breakpoint
DROP INDEX "alerts_user_time";--> statement-breakpoint
DROP INDEX "forward_destinations_user";--> statement-breakpoint
ALTER TABLE "openapi_operations" DROP CONSTRAINT "openapi_operations_user_id_tool_id_pk";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_runs" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_conversations" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "openapi_operations" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "openapi_specs" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "access_tokens" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_channels" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "forward_destinations" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_messages" ALTER COLUMN "workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "openapi_operations" ADD CONSTRAINT "openapi_operations_workspace_id_tool_id_pk" PRIMARY KEY("workspace_id","tool_id");--> statement-breakpoint
ALTER TABLE "oauth_states" ADD COLUMN "shared_in" text;--> statement-breakpoint
ALTER TABLE "oauth_authorization_codes" ADD COLUMN "workspace_id" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_runs" ADD CONSTRAINT "tool_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_conversations" ADD CONSTRAINT "agent_conversations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "openapi_operations" ADD CONSTRAINT "openapi_operations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "openapi_specs" ADD CONSTRAINT "openapi_specs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_channels" ADD CONSTRAINT "alert_channels_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forward_destinations" ADD CONSTRAINT "forward_destinations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_personal_account" ON "connections" USING btree ("user_id","provider_id","account_id") WHERE "connections"."workspace_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_shared_account" ON "connections" USING btree ("workspace_id","provider_id","account_id") WHERE "connections"."workspace_id" is not null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_time" ON "webhook_deliveries" USING btree ("workspace_id","received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_status_time" ON "webhook_deliveries" USING btree ("workspace_id","status","received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_provider_time" ON "webhook_deliveries" USING btree ("workspace_id","provider_id","received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_event_time" ON "webhook_deliveries" USING btree ("workspace_id","event","received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_delivery" ON "webhook_deliveries" USING btree ("workspace_id","delivery_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_repository" ON "webhook_deliveries" USING btree ("workspace_id","repository");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace" ON "webhook_endpoints" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "tool_runs_workspace_tool_time" ON "tool_runs" USING btree ("workspace_id","tool_id","started_at");--> statement-breakpoint
CREATE INDEX "tool_runs_workspace_time" ON "tool_runs" USING btree ("workspace_id","started_at");--> statement-breakpoint
CREATE INDEX "workflow_runs_workspace_time" ON "workflow_runs" USING btree ("workspace_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "openapi_specs_workspace_slug" ON "openapi_specs" USING btree ("workspace_id","slug");--> statement-breakpoint
CREATE INDEX "alert_channels_workspace" ON "alert_channels" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_workspace_open" ON "alerts" USING btree ("workspace_id","open_key");--> statement-breakpoint
CREATE INDEX "alerts_workspace_time" ON "alerts" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "forward_destinations_workspace" ON "forward_destinations" USING btree ("workspace_id");--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "user_id";--> statement-breakpoint
ALTER TABLE "openapi_operations" DROP COLUMN "user_id";--> statement-breakpoint
ALTER TABLE "openapi_specs" DROP COLUMN "user_id";--> statement-breakpoint
ALTER TABLE "alerts" DROP COLUMN "user_id";--> statement-breakpoint
ALTER TABLE "forward_destinations" DROP COLUMN "user_id";--> statement-breakpoint
ALTER TABLE "outbound_messages" DROP COLUMN "user_id";