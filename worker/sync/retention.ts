import { sql } from "drizzle-orm";
import { pruneSessions } from "../auth/sessions";
import { getDb } from "../db";
import { pruneStates } from "../salesforce";

/** How long Sync activity keeps runs and their records (days); CSV export is the way to keep more. */
export const RETENTION_DAYS = 90;
// Per cron tick, so pruning never competes with syncing for the invocation's D1 budget.
const RECORDS_PER_TICK = 5_000;
const RUNS_PER_TICK = 500;

/**
 * Prunes runs older than the retention period in bounded chunks: their records first (a few
 * thousand per tick), then the runs left without records, then outbox rows long processed and
 * create-journal entries as old.
 */
export async function pruneHistory(
  env: Env,
  now = Date.now(),
  days = RETENTION_DAYS,
): Promise<{ records: number; runs: number }> {
  const db = getDb(env);
  const cutoff = new Date(now - days * 86_400_000).toISOString();
  const records = await db.run(sql`
    DELETE FROM run_records WHERE rowid IN (
      SELECT rr.rowid FROM runs r JOIN run_records rr ON rr.run_id = r.id
      WHERE r.started_at < ${cutoff} AND r.status != 'in_progress' LIMIT ${RECORDS_PER_TICK})`);
  const runs = await db.run(sql`
    DELETE FROM runs WHERE id IN (
      SELECT r.id FROM runs r WHERE r.started_at < ${cutoff} AND r.status != 'in_progress'
        AND NOT EXISTS (SELECT 1 FROM run_records rr WHERE rr.run_id = r.id) LIMIT ${RUNS_PER_TICK})`);
  await db.run(sql`
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE processed_at IS NOT NULL AND processed_at < ${cutoff} LIMIT ${RUNS_PER_TICK})`);
  // A create whose answer has been unknown for the whole retention period will not be asked about again.
  await db.run(sql`
    DELETE FROM create_journal WHERE rowid IN (
      SELECT rowid FROM create_journal WHERE first_attempt_at < ${cutoff} LIMIT ${RUNS_PER_TICK})`);
  await pruneCredentials(env, now);
  return { records: records.meta.changes ?? 0, runs: runs.meta.changes ?? 0 };
}

/**
 * Expired and idle page sessions, spent or old launch links, sessions whose API key was revoked, and
 * OAuth states a day past their expiry: nothing that can no longer sign anyone in is kept.
 */
export async function pruneCredentials(env: Env, now = Date.now()): Promise<{ sessions: number; states: number }> {
  const db = getDb(env);
  return {
    sessions: await pruneSessions(env, db, now, RUNS_PER_TICK),
    states: await pruneStates(db, now, RUNS_PER_TICK),
  };
}
