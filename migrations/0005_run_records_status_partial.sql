DROP INDEX `run_records_run_status_seq`;--> statement-breakpoint
CREATE INDEX `run_records_run_status_seq` ON `run_records` (`run_id`,`status`,`seq`) WHERE "run_records"."status" != 'success';