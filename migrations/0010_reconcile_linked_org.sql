ALTER TABLE `runs` ADD `note` text;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `reconciled_at` text;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `deletes_checked_at` text;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `reset_reason` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `linked_org_id` text;--> statement-breakpoint
UPDATE `workspaces` SET `linked_org_id` = (SELECT `org_id` FROM `connections` WHERE `connections`.`workspace_id` = `workspaces`.`id`);
