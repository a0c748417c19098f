-- Shards (docs/shards.md): each workspace names the D1 binding that holds what it owns, fixed at
-- creation. Every existing workspace stays on `DB`, the database it is in: no data moves, and the
-- previous Worker (which never reads the column) keeps working while this one deploys.
ALTER TABLE `workspaces` ADD `shard` text DEFAULT 'DB' NOT NULL;--> statement-breakpoint
CREATE INDEX `workspaces_shard` ON `workspaces` (`shard`);
