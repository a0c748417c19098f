CREATE TABLE `describe_cache` (
	`workspace_id` text NOT NULL,
	`salesforce_object` text NOT NULL,
	`org_id` text,
	`json` text NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `salesforce_object`)
);
