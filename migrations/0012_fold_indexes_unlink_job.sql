ALTER TABLE `workspaces` ADD `unlinking_org_id` text;--> statement-breakpoint
CREATE INDEX `contacts_ws_company` ON `contacts` (`workspace_id`,`company_id`);--> statement-breakpoint
CREATE INDEX `events_ws_contact` ON `events` (`workspace_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `opportunities_ws_company` ON `opportunities` (`workspace_id`,`company_id`);--> statement-breakpoint
CREATE INDEX `ocr_ws_contact` ON `opportunity_contact_roles` (`workspace_id`,`contact_id`);--> statement-breakpoint
-- Weekly reconciliations start a random 0–7 days from now rather than all at the first cycle after this deploy.
UPDATE `sync_state` SET `reconciled_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (abs(random()) % 604800) || ' seconds') WHERE `reconciled_at` IS NULL;
