ALTER TABLE `connections` ADD `login_url` text;--> statement-breakpoint
ALTER TABLE `oauth_states` ADD `session_id` text;--> statement-breakpoint
ALTER TABLE `oauth_states` ADD `login_url` text;--> statement-breakpoint
CREATE INDEX `oauth_states_expiry` ON `oauth_states` (`expires_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `api_key_id` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_seen_at` text;--> statement-breakpoint
CREATE INDEX `sessions_api_key` ON `sessions` (`api_key_id`);--> statement-breakpoint
-- Sessions, launch links and OAuth states made before this migration are bound to no API key or page session: they end here (the page is opened again from Conversion)
DELETE FROM `sessions`;--> statement-breakpoint
DELETE FROM `oauth_states`;
