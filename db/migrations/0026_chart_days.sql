CREATE TABLE `webhook_delivery_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`day` integer NOT NULL,
	`provider_id` text NOT NULL,
	`endpoint_id` text,
	`event` text,
	`action` text,
	`verified` integer NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_days_workspace_day` ON `webhook_delivery_days` (`workspace_id`,`day`);--> statement-breakpoint
-- The days of the hours rolled up before this migration (lib/webhooks/chart.ts adds each new hour's rows to its day from now on).
INSERT INTO `webhook_delivery_days` (`workspace_id`, `day`, `provider_id`, `endpoint_id`, `event`, `action`, `verified`, `status`, `count`)
  SELECT `workspace_id`, `hour` / 24, `provider_id`, `endpoint_id`, `event`, `action`, `verified`, `status`, sum(`count`) FROM `webhook_delivery_hours`
  GROUP BY `workspace_id`, `hour` / 24, `provider_id`, `endpoint_id`, `event`, `action`, `verified`, `status` HAVING sum(`count`) <> 0;
