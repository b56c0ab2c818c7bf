PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`endpoint_id` text,
	`provider_id` text NOT NULL,
	`dedupe_key` text,
	`delivery_id` text,
	`event` text,
	`action` text,
	`repository` text,
	`received_at` integer NOT NULL,
	`headers` text NOT NULL,
	`body` text NOT NULL,
	`body_bytes` integer NOT NULL,
	`body_truncated` integer DEFAULT false NOT NULL,
	`verified` integer NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`replay_requested` integer DEFAULT false NOT NULL,
	`last_error` text,
	`processing_ms` integer,
	`workflow_run_id` text,
	`trimmed_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_webhook_deliveries`("id", "workspace_id", "endpoint_id", "provider_id", "dedupe_key", "delivery_id", "event", "action", "repository", "received_at", "headers", "body", "body_bytes", "body_truncated", "verified", "reason", "status", "attempts", "next_attempt_at", "lease_until", "replay_requested", "last_error", "processing_ms", "workflow_run_id", "trimmed_at") SELECT "id", "workspace_id", "endpoint_id", "provider_id", "dedupe_key", "delivery_id", "event", "action", "repository", "received_at", "headers", "body", "body_bytes", "body_truncated", "verified", "reason", "status", "attempts", "next_attempt_at", "lease_until", "replay_requested", "last_error", "processing_ms", "workflow_run_id", "trimmed_at" FROM `webhook_deliveries`;--> statement-breakpoint
DROP TABLE `webhook_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_webhook_deliveries` RENAME TO `webhook_deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_dedupe` ON `webhook_deliveries` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_time` ON `webhook_deliveries` (`workspace_id`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_status_time` ON `webhook_deliveries` (`workspace_id`,`status`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_provider_time` ON `webhook_deliveries` (`workspace_id`,`provider_id`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_event_time` ON `webhook_deliveries` (`workspace_id`,`event`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_status` ON `webhook_deliveries` (`endpoint_id`,`provider_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_delivery` ON `webhook_deliveries` (`workspace_id`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_workspace_repository` ON `webhook_deliveries` (`workspace_id`,`repository`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_untrimmed` ON `webhook_deliveries` (`trimmed_at`,`received_at`);--> statement-breakpoint
CREATE TABLE `__new_openapi_operations` (
	`spec_id` text NOT NULL,
	`workspace_id` text NOT NULL,
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
	`enabled` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`workspace_id`, `tool_id`),
	FOREIGN KEY (`spec_id`) REFERENCES `openapi_specs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_openapi_operations`("spec_id", "workspace_id", "tool_id", "operation_id", "method", "path", "summary", "description", "tags", "deprecated", "input_schema", "request", "enabled") SELECT "spec_id", "workspace_id", "tool_id", "operation_id", "method", "path", "summary", "description", "tags", "deprecated", "input_schema", "request", "enabled" FROM `openapi_operations`;--> statement-breakpoint
DROP TABLE `openapi_operations`;--> statement-breakpoint
ALTER TABLE `__new_openapi_operations` RENAME TO `openapi_operations`;--> statement-breakpoint
CREATE INDEX `openapi_operations_spec` ON `openapi_operations` (`spec_id`);--> statement-breakpoint
CREATE TABLE `__new_openapi_specs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
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
	`warnings` text DEFAULT '[]' NOT NULL,
	`skipped` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_openapi_specs`("id", "workspace_id", "slug", "title", "version", "description", "spec_version", "source_url", "document", "server_url", "security_schemes", "auth_kind", "auth_scheme", "auth_provider_id", "credential_sealed", "credential_last4", "operation_count", "warnings", "skipped", "created_at", "updated_at") SELECT "id", "workspace_id", "slug", "title", "version", "description", "spec_version", "source_url", "document", "server_url", "security_schemes", "auth_kind", "auth_scheme", "auth_provider_id", "credential_sealed", "credential_last4", "operation_count", "warnings", "skipped", "created_at", "updated_at" FROM `openapi_specs`;--> statement-breakpoint
DROP TABLE `openapi_specs`;--> statement-breakpoint
ALTER TABLE `__new_openapi_specs` RENAME TO `openapi_specs`;--> statement-breakpoint
CREATE UNIQUE INDEX `openapi_specs_workspace_slug` ON `openapi_specs` (`workspace_id`,`slug`);--> statement-breakpoint
CREATE TABLE `__new_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`open_key` text,
	`title` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`link` text NOT NULL,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_alerts`("id", "workspace_id", "kind", "subject", "open_key", "title", "detail", "link", "created_at", "acknowledged_at") SELECT "id", "workspace_id", "kind", "subject", "open_key", "title", "detail", "link", "created_at", "acknowledged_at" FROM `alerts`;--> statement-breakpoint
DROP TABLE `alerts`;--> statement-breakpoint
ALTER TABLE `__new_alerts` RENAME TO `alerts`;--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_workspace_open` ON `alerts` (`workspace_id`,`open_key`);--> statement-breakpoint
CREATE INDEX `alerts_workspace_time` ON `alerts` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `__new_forward_destinations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`endpoint_id` text,
	`url` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`events` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_forward_destinations`("id", "workspace_id", "provider_id", "endpoint_id", "url", "secret_sealed", "events", "enabled", "created_at") SELECT "id", "workspace_id", "provider_id", "endpoint_id", "url", "secret_sealed", "events", "enabled", "created_at" FROM `forward_destinations`;--> statement-breakpoint
DROP TABLE `forward_destinations`;--> statement-breakpoint
ALTER TABLE `__new_forward_destinations` RENAME TO `forward_destinations`;--> statement-breakpoint
CREATE INDEX `forward_destinations_workspace` ON `forward_destinations` (`workspace_id`);--> statement-breakpoint
CREATE INDEX `forward_destinations_endpoint` ON `forward_destinations` (`provider_id`,`endpoint_id`);--> statement-breakpoint
CREATE TABLE `__new_outbound_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`delivery_id` integer,
	`destination_id` text,
	`alert_id` text,
	`channel_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`destination_id`) REFERENCES `forward_destinations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`channel_id`) REFERENCES `alert_channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_outbound_messages`("id", "workspace_id", "kind", "delivery_id", "destination_id", "alert_id", "channel_id", "status", "attempts", "next_attempt_at", "lease_until", "last_status_code", "last_error", "created_at", "delivered_at") SELECT "id", "workspace_id", "kind", "delivery_id", "destination_id", "alert_id", "channel_id", "status", "attempts", "next_attempt_at", "lease_until", "last_status_code", "last_error", "created_at", "delivered_at" FROM `outbound_messages`;--> statement-breakpoint
DROP TABLE `outbound_messages`;--> statement-breakpoint
ALTER TABLE `__new_outbound_messages` RENAME TO `outbound_messages`;--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_forward` ON `outbound_messages` (`delivery_id`,`destination_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_alert` ON `outbound_messages` (`alert_id`,`channel_id`);--> statement-breakpoint
CREATE INDEX `outbound_messages_due` ON `outbound_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
DROP INDEX `connections_user_provider_account`;--> statement-breakpoint
CREATE UNIQUE INDEX `connections_personal_account` ON `connections` (`user_id`,`provider_id`,`account_id`) WHERE "connections"."workspace_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `connections_shared_account` ON `connections` (`workspace_id`,`provider_id`,`account_id`) WHERE "connections"."workspace_id" is not null;--> statement-breakpoint
CREATE TABLE `__new_webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`secret_sealed` text NOT NULL,
	`previous_secret_sealed` text,
	`previous_secret_expires_at` integer,
	`events` text DEFAULT '[]' NOT NULL,
	`remote_hook_id` text,
	`remote_target` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_webhook_endpoints`("id", "workspace_id", "user_id", "provider_id", "description", "secret_sealed", "previous_secret_sealed", "previous_secret_expires_at", "events", "remote_hook_id", "remote_target", "created_at") SELECT "id", "workspace_id", "user_id", "provider_id", "description", "secret_sealed", "previous_secret_sealed", "previous_secret_expires_at", "events", "remote_hook_id", "remote_target", "created_at" FROM `webhook_endpoints`;--> statement-breakpoint
DROP TABLE `webhook_endpoints`;--> statement-breakpoint
ALTER TABLE `__new_webhook_endpoints` RENAME TO `webhook_endpoints`;--> statement-breakpoint
CREATE INDEX `webhook_endpoints_workspace` ON `webhook_endpoints` (`workspace_id`);--> statement-breakpoint
CREATE TABLE `__new_tool_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`tool_id` text NOT NULL,
	`trigger` text DEFAULT 'manual' NOT NULL,
	`conversation_id` text,
	`mcp_token_name` text,
	`input` text NOT NULL,
	`output` text,
	`status` text NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`duration_ms` integer,
	`accounts` text DEFAULT '[]' NOT NULL,
	`delivery_id` integer,
	`trimmed_at` integer,
	`runner_instance` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_tool_runs`("id", "workspace_id", "user_id", "tool_id", "trigger", "conversation_id", "mcp_token_name", "input", "output", "status", "error", "started_at", "duration_ms", "accounts", "delivery_id", "trimmed_at", "runner_instance") SELECT "id", "workspace_id", "user_id", "tool_id", "trigger", "conversation_id", "mcp_token_name", "input", "output", "status", "error", "started_at", "duration_ms", "accounts", "delivery_id", "trimmed_at", "runner_instance" FROM `tool_runs`;--> statement-breakpoint
DROP TABLE `tool_runs`;--> statement-breakpoint
ALTER TABLE `__new_tool_runs` RENAME TO `tool_runs`;--> statement-breakpoint
CREATE INDEX `tool_runs_workspace_tool_time` ON `tool_runs` (`workspace_id`,`tool_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `tool_runs_workspace_time` ON `tool_runs` (`workspace_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `tool_runs_conversation` ON `tool_runs` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `tool_runs_running` ON `tool_runs` (`runner_instance`) WHERE "tool_runs"."status" = 'running';--> statement-breakpoint
CREATE TABLE `__new_workflow_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`trigger` text NOT NULL,
	`delivery_id` integer,
	`input` text NOT NULL,
	`output` text,
	`status` text NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`resumed_from_run_id` text,
	`trimmed_at` integer,
	`runner_instance` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_workflow_runs`("id", "workspace_id", "user_id", "workflow_id", "trigger", "delivery_id", "input", "output", "status", "error", "started_at", "finished_at", "resumed_from_run_id", "trimmed_at", "runner_instance") SELECT "id", "workspace_id", "user_id", "workflow_id", "trigger", "delivery_id", "input", "output", "status", "error", "started_at", "finished_at", "resumed_from_run_id", "trimmed_at", "runner_instance" FROM `workflow_runs`;--> statement-breakpoint
DROP TABLE `workflow_runs`;--> statement-breakpoint
ALTER TABLE `__new_workflow_runs` RENAME TO `workflow_runs`;--> statement-breakpoint
CREATE INDEX `workflow_runs_workspace_time` ON `workflow_runs` (`workspace_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `workflow_runs_status` ON `workflow_runs` (`status`);--> statement-breakpoint
CREATE TABLE `__new_alert_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`secret_sealed` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_alert_channels`("id", "workspace_id", "user_id", "kind", "target", "secret_sealed", "created_at") SELECT "id", "workspace_id", "user_id", "kind", "target", "secret_sealed", "created_at" FROM `alert_channels`;--> statement-breakpoint
DROP TABLE `alert_channels`;--> statement-breakpoint
ALTER TABLE `__new_alert_channels` RENAME TO `alert_channels`;--> statement-breakpoint
CREATE INDEX `alert_channels_workspace` ON `alert_channels` (`workspace_id`);--> statement-breakpoint
CREATE TABLE `__new_agent_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`approved_hosts` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_agent_conversations`("id", "workspace_id", "user_id", "title", "approved_hosts", "created_at", "updated_at") SELECT "id", "workspace_id", "user_id", "title", "approved_hosts", "created_at", "updated_at" FROM `agent_conversations`;--> statement-breakpoint
DROP TABLE `agent_conversations`;--> statement-breakpoint
ALTER TABLE `__new_agent_conversations` RENAME TO `agent_conversations`;--> statement-breakpoint
CREATE INDEX `agent_conversations_user_time` ON `agent_conversations` (`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `__new_access_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scope` text NOT NULL,
	`client_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	`rate_window_start` integer DEFAULT 0 NOT NULL,
	`rate_window_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `oauth_clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_access_tokens`("id", "workspace_id", "user_id", "name", "token_hash", "scope", "client_id", "created_at", "last_used_at", "expires_at", "revoked_at", "rate_window_start", "rate_window_count") SELECT "id", "workspace_id", "user_id", "name", "token_hash", "scope", "client_id", "created_at", "last_used_at", "expires_at", "revoked_at", "rate_window_start", "rate_window_count" FROM `access_tokens`;--> statement-breakpoint
DROP TABLE `access_tokens`;--> statement-breakpoint
ALTER TABLE `__new_access_tokens` RENAME TO `access_tokens`;--> statement-breakpoint
CREATE UNIQUE INDEX `access_tokens_hash` ON `access_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `access_tokens_user` ON `access_tokens` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `access_tokens_client` ON `access_tokens` (`client_id`);--> statement-breakpoint
ALTER TABLE `oauth_states` ADD `shared_in` text;--> statement-breakpoint
ALTER TABLE `oauth_authorization_codes` ADD `workspace_id` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
-- Rebuilding webhook_deliveries (above) dropped its triggers: the search index (0004) is kept up to date by them again.
CREATE TRIGGER `webhook_delivery_search_unprocessed` AFTER INSERT ON `webhook_deliveries` WHEN new.status <> 'received' BEGIN
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_taken` AFTER UPDATE OF attempts ON `webhook_deliveries` WHEN old.attempts = 0 AND new.attempts > 0 AND new.replay_requested = 0 BEGIN
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_trimmed` AFTER UPDATE OF trimmed_at ON `webhook_deliveries` WHEN old.trimmed_at IS NULL AND new.trimmed_at IS NOT NULL BEGIN
  -- Retention dropped the body: its text leaves the index too.
  DELETE FROM webhook_delivery_search WHERE rowid = new.id;
  INSERT INTO webhook_delivery_search(rowid, delivery_id, repository, event, body)
  VALUES (new.id, new.delivery_id, new.repository, coalesce(new.event || coalesce('.' || new.action, ''), ''), '');
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_delivery_search_removed` AFTER DELETE ON `webhook_deliveries` BEGIN
  DELETE FROM webhook_delivery_search WHERE rowid = old.id;
END;
