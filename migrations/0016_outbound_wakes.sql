-- One outbound wake per workspace × object (worker/sync/outbound/wake.ts): a burst of API writes sends
-- one queue message instead of one per write. A new table only: the previous Worker never reads it and
-- keeps sending a message per write meanwhile, which this one's consumer handles as before.
CREATE TABLE `outbound_wakes` (
	`workspace_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`due_at` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `entity_type`)
);
