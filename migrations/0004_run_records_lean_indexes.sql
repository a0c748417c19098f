-- Fewer D1 rows written per run record: run_records.id stays (written as before, so code of either
-- version works against this table) but is no longer the primary key, whose index repeated the
-- unique (run_id, record_key). And run_records_run_status_seq keeps only skipped and failed records.
-- SQLite cannot drop a primary key in place, so the table is rebuilt, and its rowids are copied: API
-- cursors ((seq, rowid), (created_at, rowid)) issued before the migration stay valid.
CREATE TABLE `__new_run_records` (
	`id` text NOT NULL,
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
INSERT INTO `__new_run_records`("rowid", "id", "workspace_id", "run_id", "record_key", "seq", "salesforce_id", "salesforce_object", "conversion_id", "label", "email", "action", "status", "reason_code", "reason_detail", "sf_status_code", "sf_message", "sf_fields", "external_created_at", "external_updated_at", "changes", "outbox_id", "created_at") SELECT "rowid", "id", "workspace_id", "run_id", "record_key", "seq", "salesforce_id", "salesforce_object", "conversion_id", "label", "email", "action", "status", "reason_code", "reason_detail", "sf_status_code", "sf_message", "sf_fields", "external_created_at", "external_updated_at", "changes", "outbox_id", "created_at" FROM `run_records`;--> statement-breakpoint
DROP TABLE `run_records`;--> statement-breakpoint
ALTER TABLE `__new_run_records` RENAME TO `run_records`;--> statement-breakpoint
CREATE UNIQUE INDEX `run_records_run_key` ON `run_records` (`run_id`,`record_key`);--> statement-breakpoint
CREATE INDEX `run_records_run_seq` ON `run_records` (`run_id`,`seq`);--> statement-breakpoint
CREATE INDEX `run_records_run_status_seq` ON `run_records` (`run_id`,`status`,`seq`) WHERE "run_records"."status" != 'success';--> statement-breakpoint
CREATE INDEX `run_records_ws_sfid` ON `run_records` (`workspace_id`,`salesforce_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `run_records_ws_email` ON `run_records` (`workspace_id`,`email`,`created_at`);