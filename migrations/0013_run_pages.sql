-- Run records stored for scale: a page of a run's records (up to 500) per run_pages row, and record
-- history kept on the Conversion records (their `history` refs). Written by hand (drizzle cannot say
-- WITHOUT ROWID). Safe while the previous Worker runs: every table and column it writes stays, and
-- only closed runs move, and the runs it is still writing keep their rows (`paged` = 0), which this
-- version reads beside the pages (run_records_run_legacy_seq) and counts with them. On a large
-- history this copies every closed run's records once: run it at a quiet hour.
CREATE TABLE `run_pages` (
	`workspace_id` text NOT NULL,
	`run_id` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`created_at` text NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`records` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `run_id`, `first_seq`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `run_records` ADD `paged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `run_records` ADD `history` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `history` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `history` text;--> statement-breakpoint
ALTER TABLE `events` ADD `history` text;--> statement-breakpoint
ALTER TABLE `opportunities` ADD `history` text;--> statement-breakpoint
ALTER TABLE `opportunity_contact_roles` ADD `history` text;--> statement-breakpoint
-- The records list walks pages now, and rows in no page have run_records_run_legacy_seq (made below).
DROP INDEX `run_records_run_seq`;--> statement-breakpoint
-- Every record of a closed run: its page (500 a page, in (seq, rowid) order) and its slot in it.
CREATE TABLE `__run_layout` AS
SELECT rid, run_id, seq, n / 500 AS chunk, n % 500 AS slot, min(seq) OVER (PARTITION BY run_id, n / 500) AS first_seq
FROM (
	SELECT rr.rowid AS rid, rr.run_id, rr.seq, row_number() OVER (PARTITION BY rr.run_id ORDER BY rr.seq, rr.rowid) - 1 AS n
	FROM `run_records` rr JOIN `runs` r ON r.id = rr.run_id
	WHERE r.status != 'in_progress'
);--> statement-breakpoint
-- The pages, records packed as worker/sync/runs/pages.ts packs them (json_patch drops the nulls).
INSERT INTO `run_pages` (`workspace_id`, `run_id`, `first_seq`, `last_seq`, `created_at`, `created`, `updated`, `deleted`, `skipped`, `failed`, `records`)
SELECT workspace_id, run_id, min(seq), max(seq), max(created_at),
	count(*) FILTER (WHERE status = 'success' AND action = 'created'),
	count(*) FILTER (WHERE status = 'success' AND action = 'updated'),
	count(*) FILTER (WHERE status = 'success' AND action = 'deleted'),
	count(*) FILTER (WHERE status = 'skipped'),
	count(*) FILTER (WHERE status = 'failed'),
	json_group_array(json(rec))
FROM (
	SELECT rr.workspace_id, l.run_id, l.chunk, l.slot, rr.seq, rr.created_at, rr.status, rr.action,
		json_patch('{}', json_object(
			'q', rr.seq,
			'k', CASE WHEN rr.record_key IS NOT rr.salesforce_id THEN rr.record_key END,
			's', rr.salesforce_id,
			'so', CASE WHEN rr.salesforce_object != r.salesforce_object THEN rr.salesforce_object END,
			'c', rr.conversion_id,
			'l', nullif(rr.label, ''),
			'e', rr.email,
			'a', rr.action,
			't', CASE WHEN rr.status != 'success' THEN rr.status END,
			'r', rr.reason_code,
			'd', rr.reason_detail,
			'x', CASE WHEN rr.sf_status_code IS NOT NULL OR rr.sf_message IS NOT NULL THEN json_array(
				coalesce(rr.sf_status_code, ''), coalesce(rr.sf_message, ''),
				json(CASE WHEN json_valid(rr.sf_fields) THEN rr.sf_fields ELSE '[]' END)) END,
			'ct', rr.external_created_at,
			'ut', rr.external_updated_at,
			'g', CASE WHEN json_valid(rr.changes) AND rr.changes != '[]' THEN json(rr.changes) END,
			'o', rr.outbox_id)) AS rec
	FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid JOIN `runs` r ON r.id = l.run_id
	ORDER BY l.run_id, l.chunk, l.slot
)
GROUP BY run_id, chunk;--> statement-breakpoint
-- Successes whose Conversion record still has their Salesforce id (and, for a contact, their email):
-- their history moves onto that record as refs (worker/sync/runs/history.ts) and their rows go.
-- Everything else keeps its row (skipped, failed, deleted, moved, an event's email).
CREATE TABLE `__run_moved` (`rid` integer PRIMARY KEY, `entity` text NOT NULL, `ref` text NOT NULL, `at` text NOT NULL);--> statement-breakpoint
INSERT INTO `__run_moved`
SELECT l.rid, e.id,
	(CAST(strftime('%s', rr.created_at) AS INTEGER) * 1000 + CAST(substr(rr.created_at, 21, 3) AS INTEGER)) || '.' || l.run_id || '.' || l.first_seq || '.' || l.slot || '.' || l.seq,
	rr.created_at
FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid
JOIN `contacts` e ON e.id = rr.conversion_id AND e.workspace_id = rr.workspace_id
WHERE rr.status = 'success' AND rr.action IN ('created', 'updated') AND e.salesforce_id IS rr.salesforce_id
	AND (rr.email IS NULL OR rr.email = e.email);--> statement-breakpoint
INSERT INTO `__run_moved`
SELECT l.rid, e.id,
	(CAST(strftime('%s', rr.created_at) AS INTEGER) * 1000 + CAST(substr(rr.created_at, 21, 3) AS INTEGER)) || '.' || l.run_id || '.' || l.first_seq || '.' || l.slot || '.' || l.seq,
	rr.created_at
FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid
JOIN `companies` e ON e.id = rr.conversion_id AND e.workspace_id = rr.workspace_id
WHERE rr.status = 'success' AND rr.action IN ('created', 'updated') AND e.salesforce_id IS rr.salesforce_id AND rr.email IS NULL;--> statement-breakpoint
INSERT INTO `__run_moved`
SELECT l.rid, e.id,
	(CAST(strftime('%s', rr.created_at) AS INTEGER) * 1000 + CAST(substr(rr.created_at, 21, 3) AS INTEGER)) || '.' || l.run_id || '.' || l.first_seq || '.' || l.slot || '.' || l.seq,
	rr.created_at
FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid
JOIN `opportunities` e ON e.id = rr.conversion_id AND e.workspace_id = rr.workspace_id
WHERE rr.status = 'success' AND rr.action IN ('created', 'updated') AND e.salesforce_id IS rr.salesforce_id AND rr.email IS NULL;--> statement-breakpoint
INSERT INTO `__run_moved`
SELECT l.rid, e.id,
	(CAST(strftime('%s', rr.created_at) AS INTEGER) * 1000 + CAST(substr(rr.created_at, 21, 3) AS INTEGER)) || '.' || l.run_id || '.' || l.first_seq || '.' || l.slot || '.' || l.seq,
	rr.created_at
FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid
JOIN `opportunity_contact_roles` e ON e.id = rr.conversion_id AND e.workspace_id = rr.workspace_id
WHERE rr.status = 'success' AND rr.action IN ('created', 'updated') AND e.salesforce_id IS rr.salesforce_id AND rr.email IS NULL;--> statement-breakpoint
INSERT INTO `__run_moved`
SELECT l.rid, e.id,
	(CAST(strftime('%s', rr.created_at) AS INTEGER) * 1000 + CAST(substr(rr.created_at, 21, 3) AS INTEGER)) || '.' || l.run_id || '.' || l.first_seq || '.' || l.slot || '.' || l.seq,
	rr.created_at
FROM `__run_layout` l JOIN `run_records` rr ON rr.rowid = l.rid
JOIN `events` e ON e.id = rr.conversion_id AND e.workspace_id = rr.workspace_id
WHERE rr.status = 'success' AND rr.action IN ('created', 'updated') AND e.salesforce_id IS rr.salesforce_id AND rr.email IS NULL;--> statement-breakpoint
UPDATE `contacts` SET `history` = h.refs FROM (
	SELECT entity, json_group_array(ref) AS refs FROM (SELECT entity, ref FROM `__run_moved` ORDER BY entity, at, ref) GROUP BY entity
) AS h WHERE `contacts`.`id` = h.entity;--> statement-breakpoint
UPDATE `companies` SET `history` = h.refs FROM (
	SELECT entity, json_group_array(ref) AS refs FROM (SELECT entity, ref FROM `__run_moved` ORDER BY entity, at, ref) GROUP BY entity
) AS h WHERE `companies`.`id` = h.entity;--> statement-breakpoint
UPDATE `opportunities` SET `history` = h.refs FROM (
	SELECT entity, json_group_array(ref) AS refs FROM (SELECT entity, ref FROM `__run_moved` ORDER BY entity, at, ref) GROUP BY entity
) AS h WHERE `opportunities`.`id` = h.entity;--> statement-breakpoint
UPDATE `opportunity_contact_roles` SET `history` = h.refs FROM (
	SELECT entity, json_group_array(ref) AS refs FROM (SELECT entity, ref FROM `__run_moved` ORDER BY entity, at, ref) GROUP BY entity
) AS h WHERE `opportunity_contact_roles`.`id` = h.entity;--> statement-breakpoint
UPDATE `events` SET `history` = h.refs FROM (
	SELECT entity, json_group_array(ref) AS refs FROM (SELECT entity, ref FROM `__run_moved` ORDER BY entity, at, ref) GROUP BY entity
) AS h WHERE `events`.`id` = h.entity;--> statement-breakpoint
DELETE FROM `run_records` WHERE rowid IN (SELECT rid FROM `__run_moved`);--> statement-breakpoint
UPDATE `run_records` SET `paged` = 1 WHERE rowid IN (SELECT rid FROM `__run_layout`);--> statement-breakpoint
DROP TABLE `__run_moved`;--> statement-breakpoint
DROP TABLE `__run_layout`;--> statement-breakpoint
CREATE INDEX `run_records_run_legacy_seq` ON `run_records` (`run_id`,`seq`) WHERE "run_records"."paged" = 0;--> statement-breakpoint
-- The company indexes (0012) keep only contacts and opportunities that have a company: one D1 row less
-- per contact from a Lead. Lookups by company_id (=, IN) imply NOT NULL, so they still use them.
DROP INDEX `contacts_ws_company`;--> statement-breakpoint
CREATE INDEX `contacts_ws_company` ON `contacts` (`workspace_id`,`company_id`) WHERE "contacts"."company_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `opportunities_ws_company`;--> statement-breakpoint
CREATE INDEX `opportunities_ws_company` ON `opportunities` (`workspace_id`,`company_id`) WHERE "opportunities"."company_id" IS NOT NULL;
