ALTER TABLE "connections" ADD COLUMN "connection_values" jsonb;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "connection_values_sealed" text;