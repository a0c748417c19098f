CREATE TABLE `create_journal` (
	`workspace_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`salesforce_object` text NOT NULL,
	`first_attempt_at` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`written` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `entity_id`)
);
