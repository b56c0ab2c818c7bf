ALTER TABLE `connections` ADD `connection_values` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `connection_values_sealed` text;