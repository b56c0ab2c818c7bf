ALTER TABLE `openapi_operations` ADD `enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `openapi_specs` ADD `warnings` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `openapi_specs` ADD `skipped` text DEFAULT '[]' NOT NULL;