-- Contacts keyed (workspace_id, id) WITHOUT ROWID: the table is its id's index, and new contacts'
-- ids are time-ordered (worker/db/schema/time-ordered.ts), so the list walks the primary key and only
-- rows with an id from before keep an entry in contacts_ws_created. A contact from a Lead writes 3 D1
-- rows (row, email, Salesforce id) instead of 5. Written by hand from drizzle-kit's output (drizzle
-- cannot say WITHOUT ROWID, and nothing references contacts, so no foreign-key pragmas).
-- While the previous Worker still runs: every column it reads and writes stays, and the ids it makes
-- (`ct_` + 16) get their list entry as before. But it looks contacts up by rowid, which a WITHOUT ROWID
-- table has not: its inbound batches and unlink steps that touch contacts fail until this version is
-- deployed, and are retried (Queues, up to 5 times, and a watermark only moves on a commit, so no record
-- is lost). Deploy right after applying (README, Deploying). The copy rewrites every contact once.
CREATE TABLE `__new_contacts` (
	`id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`salesforce_id` text,
	`sf_modstamp` text,
	`external_created_at` text,
	`external_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`history` text,
	`salesforce_object` text,
	`email` text NOT NULL,
	`user_id` text,
	`first_name` text,
	`last_name` text,
	`title` text,
	`phone` text,
	`company_id` text,
	PRIMARY KEY(`workspace_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_contacts`("id", "workspace_id", "salesforce_id", "sf_modstamp", "external_created_at", "external_updated_at", "created_at", "updated_at", "history", "salesforce_object", "email", "user_id", "first_name", "last_name", "title", "phone", "company_id") SELECT "id", "workspace_id", "salesforce_id", "sf_modstamp", "external_created_at", "external_updated_at", "created_at", "updated_at", "history", "salesforce_object", "email", "user_id", "first_name", "last_name", "title", "phone", "company_id" FROM `contacts`;--> statement-breakpoint
DROP TABLE `contacts`;--> statement-breakpoint
ALTER TABLE `__new_contacts` RENAME TO `contacts`;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_ws_email` ON `contacts` (`workspace_id`,`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_ws_sfid` ON `contacts` (`workspace_id`,`salesforce_id`);--> statement-breakpoint
CREATE INDEX `contacts_ws_user` ON `contacts` (`workspace_id`,`user_id`) WHERE "contacts"."user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_ws_created` ON `contacts` (`workspace_id`,`created_at`,`id`) WHERE NOT (length("id") = 25 AND substr("id", 1, 4) = 'ct__');--> statement-breakpoint
CREATE INDEX `contacts_ws_company` ON `contacts` (`workspace_id`,`company_id`) WHERE "contacts"."company_id" IS NOT NULL;