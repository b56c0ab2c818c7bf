CREATE TABLE `openapi_operations` (
	`spec_id` text NOT NULL,
	`user_id` text NOT NULL,
	`tool_id` text NOT NULL,
	`operation_id` text,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`summary` text NOT NULL,
	`description` text NOT NULL,
	`tags` text NOT NULL,
	`deprecated` integer DEFAULT false NOT NULL,
	`input_schema` text NOT NULL,
	`request` text NOT NULL,
	PRIMARY KEY(`user_id`, `tool_id`),
	FOREIGN KEY (`spec_id`) REFERENCES `openapi_specs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `openapi_operations_spec` ON `openapi_operations` (`spec_id`);--> statement-breakpoint
CREATE TABLE `openapi_specs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`version` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`spec_version` text NOT NULL,
	`source_url` text,
	`document` text NOT NULL,
	`server_url` text NOT NULL,
	`security_schemes` text NOT NULL,
	`auth_kind` text DEFAULT 'none' NOT NULL,
	`auth_scheme` text,
	`auth_provider_id` text,
	`credential_sealed` text,
	`credential_last4` text,
	`operation_count` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `openapi_specs_user_slug` ON `openapi_specs` (`user_id`,`slug`);