DROP INDEX `run_records_run_counts`;--> statement-breakpoint
DROP INDEX `contacts_ws_user`;--> statement-breakpoint
CREATE INDEX `contacts_ws_user` ON `contacts` (`workspace_id`,`user_id`) WHERE "contacts"."user_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `reason_counts` text;