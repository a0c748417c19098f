ALTER TABLE `sync_state` ADD `last_checked_at` text;--> statement-breakpoint
CREATE INDEX `runs_ws_failures_started` ON `runs` (`workspace_id`,`started_at`,`id`) WHERE "runs"."failed" > 0 OR "runs"."status" = 'failed';--> statement-breakpoint
CREATE INDEX `runs_ws_skips_started` ON `runs` (`workspace_id`,`started_at`,`id`) WHERE "runs"."skipped" > 0;