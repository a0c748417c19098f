CREATE TABLE `api_calls` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_workspace` ON `api_keys` (`workspace_id`);--> statement-breakpoint
CREATE TABLE `connections` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`instance_url` text NOT NULL,
	`org_id` text,
	`user_id` text,
	`username` text,
	`access_token_enc` text NOT NULL,
	`refresh_token_enc` text,
	`connected_at` text NOT NULL,
	`api_used` integer,
	`api_limit` integer,
	`api_as_of` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `oauth_states` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`code_verifier` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`csrf_token` text,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_expiry` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`json` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`operation` text NOT NULL,
	`changed_fields` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`sent_at` text,
	`processed_at` text,
	`run_id` text
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`processed_at`,`sent_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_ws_entity` ON `outbox` (`workspace_id`,`entity_type`,`processed_at`);--> statement-breakpoint
CREATE TABLE `run_records` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`run_id` text NOT NULL,
	`record_key` text NOT NULL,
	`seq` integer NOT NULL,
	`salesforce_id` text,
	`salesforce_object` text NOT NULL,
	`conversion_id` text,
	`label` text DEFAULT '' NOT NULL,
	`email` text,
	`action` text,
	`status` text NOT NULL,
	`reason_code` text,
	`reason_detail` text,
	`sf_status_code` text,
	`sf_message` text,
	`sf_fields` text,
	`external_created_at` text,
	`external_updated_at` text,
	`changes` text DEFAULT '[]' NOT NULL,
	`outbox_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_records_run_key` ON `run_records` (`run_id`,`record_key`);--> statement-breakpoint
CREATE INDEX `run_records_run_seq` ON `run_records` (`run_id`,`seq`);--> statement-breakpoint
CREATE INDEX `run_records_run_status_seq` ON `run_records` (`run_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `run_records_run_counts` ON `run_records` (`run_id`,`status`,`action`);--> statement-breakpoint
CREATE INDEX `run_records_ws_sfid` ON `run_records` (`workspace_id`,`salesforce_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `run_records_ws_email` ON `run_records` (`workspace_id`,`email`,`created_at`);--> statement-breakpoint
CREATE INDEX `run_records_ws_reason` ON `run_records` (`workspace_id`,`created_at`,`reason_code`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`direction` text NOT NULL,
	`object_type` text NOT NULL,
	`salesforce_object` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`duration_ms` integer,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`failure_code` text,
	`failure_detail` text,
	`heartbeat_at` text NOT NULL,
	`state` text DEFAULT '{}' NOT NULL,
	`retry_of` text
);
--> statement-breakpoint
CREATE INDEX `runs_ws_started` ON `runs` (`workspace_id`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_ws_dir_started` ON `runs` (`workspace_id`,`direction`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_ws_obj_started` ON `runs` (`workspace_id`,`object_type`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_ws_status_started` ON `runs` (`workspace_id`,`status`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_heartbeat` ON `runs` (`status`,`heartbeat_at`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`workspace_id` text NOT NULL,
	`salesforce_object` text NOT NULL,
	`watermark_stamp` text,
	`watermark_id` text,
	`backfill_done` integer DEFAULT false NOT NULL,
	`lease_owner` text,
	`lease_expires_at` text,
	`last_planned_at` text,
	`paused_reason` text,
	PRIMARY KEY(`workspace_id`, `salesforce_object`)
);
--> statement-breakpoint
CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`name` text NOT NULL,
	`domain` text,
	`industry` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_ws_sfid` ON `companies` (`workspace_id`,`salesforce_id`);--> statement-breakpoint
CREATE INDEX `companies_ws_created` ON `companies` (`workspace_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`salesforce_object` text,
	`email` text NOT NULL,
	`user_id` text,
	`first_name` text,
	`last_name` text,
	`title` text,
	`phone` text,
	`company_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_ws_email` ON `contacts` (`workspace_id`,`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_ws_sfid` ON `contacts` (`workspace_id`,`salesforce_id`);--> statement-breakpoint
CREATE INDEX `contacts_ws_user` ON `contacts` (`workspace_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `contacts_ws_created` ON `contacts` (`workspace_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`name` text NOT NULL,
	`contact_id` text NOT NULL,
	`occurred_at` text,
	`properties` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_ws_sfid` ON `events` (`workspace_id`,`salesforce_id`);--> statement-breakpoint
CREATE INDEX `events_ws_created` ON `events` (`workspace_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `opportunities` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`name` text NOT NULL,
	`stage_name` text,
	`amount` real,
	`close_date` text,
	`company_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opportunities_ws_sfid` ON `opportunities` (`workspace_id`,`salesforce_id`);--> statement-breakpoint
CREATE INDEX `opportunities_ws_created` ON `opportunities` (`workspace_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `opportunity_contact_roles` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`opportunity_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`role` text,
	`is_primary` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ocr_ws_sfid` ON `opportunity_contact_roles` (`workspace_id`,`salesforce_id`);