ALTER TABLE `oauth_clients` ADD `registered_from` text;--> statement-breakpoint
CREATE INDEX `oauth_clients_registered_from` ON `oauth_clients` (`registered_from`,`created_at`);--> statement-breakpoint
CREATE INDEX `oauth_clients_created` ON `oauth_clients` (`created_at`);--> statement-breakpoint
CREATE INDEX `access_tokens_client` ON `access_tokens` (`client_id`);