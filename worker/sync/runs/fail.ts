import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { isoNow } from "../../lib/time";
import { type RunKey, recountRun } from "./store";

/** A whole-run failure as it is recorded: the catalogue's code (reasons.ts), and our own words beside its message. */
export interface RunFailureRecord {
  code: string;
  detail: string;
}

/** The id of the Failed run that records how a run's batch was cut short: derived, so a second close finds it. */
export const failedPartId = (runId: string) => `${runId}_failed`;

/**
 * Closes a run whose batch stopped on a whole-run failure. A Failed run means "The whole batch
 * could not be processed", so a Failed run never holds a success:
 * - a run with no records yet is Failed itself;
 * - a run that had committed records processed that much: it closes Completed with exactly those,
 *   ending with its last saved progress, and the failure becomes a Failed run of its own, with no
 *   records, for what came after (`failedPartId`; the run's state names it as `failedPart`).
 * What was not committed was not read past: the watermark stops at the last committed page, so the
 * next run reads the rest. Statements for one D1 batch; the counts are recomputed first and decide.
 */
export function failRun(db: Db, run: RunKey, failure: RunFailureRecord) {
  const now = isoNow();
  const partId = failedPartId(run.id);
  const detail = failure.detail.slice(0, 1000);
  const hasRecords = sql.raw("(created + updated + deleted + skipped + failed) > 0");
  const msBetween = (from: unknown, to: unknown) =>
    sql`max(0, CAST(round((julianday(${to}) - julianday(${from})) * 86400000) AS INTEGER))`;
  return [
    recountRun(db, run),
    // Not a retry of anything itself: the run it splits from keeps retry_of (a run is retried once).
    db.run(sql`
      INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at,
        finished_at, duration_ms, failure_code, failure_detail, heartbeat_at, state, note, reason_counts)
      SELECT ${partId}, workspace_id, direction, object_type, salesforce_object, kind, 'failed', heartbeat_at,
        ${now}, ${msBetween(sql.raw("heartbeat_at"), now)}, ${failure.code}, ${detail}, ${now},
        json_object('failedPartOf', id), note, '[]'
      FROM runs WHERE id = ${run.id} AND status = 'in_progress' AND ${hasRecords}
      ON CONFLICT (id) DO NOTHING`),
    db.run(sql`
      UPDATE runs SET
        status = CASE WHEN ${hasRecords} THEN 'completed' ELSE 'failed' END,
        finished_at = CASE WHEN ${hasRecords} THEN heartbeat_at ELSE ${now} END,
        duration_ms = ${msBetween(sql.raw("started_at"), sql`CASE WHEN ${hasRecords} THEN heartbeat_at ELSE ${now} END`)},
        failure_code = CASE WHEN ${hasRecords} THEN NULL ELSE ${failure.code} END,
        failure_detail = CASE WHEN ${hasRecords} THEN NULL ELSE ${detail} END,
        state = CASE WHEN ${hasRecords} THEN json_set(state, '$.failedPart', ${partId}) ELSE state END,
        heartbeat_at = ${now}
      WHERE id = ${run.id} AND status = 'in_progress'`),
  ];
}
