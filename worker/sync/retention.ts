import { sql } from "drizzle-orm";
import { pruneSessions } from "../auth/sessions";
import { directoryDb, type ShardEnv, shardDb } from "../db";
import { pruneStates } from "../salesforce";

/** How long Sync activity keeps runs and their records (days); CSV export is the way to keep more. */
export const RETENTION_DAYS = 90;
// Per cron tick, so pruning never competes with syncing for the invocation's D1 budget.
const RECORDS_PER_TICK = 5_000;
const PAGES_PER_TICK = 100;
const RUNS_PER_TICK = 500;

/**
 * Prunes the shard's runs older than the retention period in bounded chunks: their pages (up to 100, ≤ 50,000
 * records) and record rows (a few thousand) first, then the runs left with neither, then outbox rows
 * long processed and create-journal entries as old. Refs to pruned pages left in Conversion records'
 * history are skipped by readers and dropped when a record's history grows long (history.ts).
 */
export async function pruneHistory(
  env: ShardEnv,
  now = Date.now(),
  days = RETENTION_DAYS,
): Promise<{ records: number; pages: number; runs: number }> {
  const db = shardDb(env);
  const cutoff = new Date(now - days * 86_400_000).toISOString();
  const pages = await db.run(sql`
    DELETE FROM run_pages WHERE (workspace_id, run_id, first_seq) IN (
      SELECT p.workspace_id, p.run_id, p.first_seq FROM runs r
      JOIN run_pages p ON p.workspace_id = r.workspace_id AND p.run_id = r.id
      WHERE r.started_at < ${cutoff} AND r.status != 'in_progress' LIMIT ${PAGES_PER_TICK})`);
  const records = await db.run(sql`
    DELETE FROM run_records WHERE rowid IN (
      SELECT rr.rowid FROM runs r JOIN run_records rr ON rr.run_id = r.id
      WHERE r.started_at < ${cutoff} AND r.status != 'in_progress' LIMIT ${RECORDS_PER_TICK})`);
  const runs = await db.run(sql`
    DELETE FROM runs WHERE id IN (
      SELECT r.id FROM runs r WHERE r.started_at < ${cutoff} AND r.status != 'in_progress'
        AND NOT EXISTS (SELECT 1 FROM run_pages p WHERE p.workspace_id = r.workspace_id AND p.run_id = r.id)
        AND NOT EXISTS (SELECT 1 FROM run_records rr WHERE rr.run_id = r.id) LIMIT ${RUNS_PER_TICK})`);
  await db.run(sql`
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE processed_at IS NOT NULL AND processed_at < ${cutoff} LIMIT ${RUNS_PER_TICK})`);
  // A create whose answer has been unknown for the whole retention period will not be asked about again.
  await db.run(sql`
    DELETE FROM create_journal WHERE rowid IN (
      SELECT rowid FROM create_journal WHERE first_attempt_at < ${cutoff} LIMIT ${RUNS_PER_TICK})`);
  return { records: records.meta.changes ?? 0, pages: pages.meta.changes ?? 0, runs: runs.meta.changes ?? 0 };
}

/**
 * Expired and idle page sessions, spent or old launch links, sessions whose API key was revoked, and
 * OAuth states a day past their expiry: nothing that can no longer sign anyone in is kept. They live in
 * the directory, so this runs once a tick, not per shard.
 */
export async function pruneCredentials(env: Env, now = Date.now()): Promise<{ sessions: number; states: number }> {
  const db = directoryDb(env);
  return {
    sessions: await pruneSessions(env, db, now, RUNS_PER_TICK),
    states: await pruneStates(db, now, RUNS_PER_TICK),
  };
}
