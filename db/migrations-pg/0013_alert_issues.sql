CREATE TABLE "alert_deliveries" (
	"alert_id" text NOT NULL,
	"delivery_id" bigint NOT NULL,
	"seen_at" bigint NOT NULL,
	CONSTRAINT "alert_deliveries_alert_id_delivery_id_pk" PRIMARY KEY("alert_id","delivery_id")
);
--> statement-breakpoint
DROP INDEX "alerts_workspace_open";--> statement-breakpoint
DROP INDEX "alerts_workspace_time";--> statement-breakpoint
DROP INDEX "outbound_messages_forward";--> statement-breakpoint
DROP INDEX "outbound_messages_alert";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "muted_until" bigint;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "openings" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "occurrences" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_seen_at" bigint;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "status_changed_at" bigint;--> statement-breakpoint
UPDATE "alerts" SET "fingerprint" = 'legacy:' || "id", "last_seen_at" = "created_at", "status_changed_at" = coalesce("acknowledged_at", "created_at"), "status" = CASE WHEN "acknowledged_at" IS NULL THEN 'open' ELSE 'resolved' END;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "fingerprint" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "last_seen_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "status_changed_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_attempts" ADD COLUMN "response_head" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "alert_opening" integer;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "body" text;--> statement-breakpoint
UPDATE "outbound_messages" SET "alert_opening" = 1 WHERE "kind" = 'alert';--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_alert_seen" ON "alert_deliveries" USING btree ("alert_id","seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_workspace_fingerprint" ON "alerts" USING btree ("workspace_id","fingerprint");--> statement-breakpoint
CREATE INDEX "alerts_workspace_status_seen" ON "alerts" USING btree ("workspace_id","status","last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_messages_forward" ON "outbound_messages" USING btree ("delivery_id","destination_id") WHERE "outbound_messages"."kind" = 'forward';--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_messages_alert" ON "outbound_messages" USING btree ("alert_id","channel_id","alert_opening");--> statement-breakpoint
ALTER TABLE "alerts" DROP COLUMN "open_key";--> statement-breakpoint
ALTER TABLE "alerts" DROP COLUMN "acknowledged_at";