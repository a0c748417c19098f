DROP INDEX `run_records_ws_reason`;--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);