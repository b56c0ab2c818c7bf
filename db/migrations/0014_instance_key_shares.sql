CREATE TABLE `instance_key_shares` (
	`provider_id` text PRIMARY KEY NOT NULL,
	`key_sha256` text NOT NULL,
	`shared_by` text NOT NULL,
	`shared_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`shared_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
