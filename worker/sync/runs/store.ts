import { and, eq, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { runs } from "../../db/schema";
import { isoNow } from "../../lib/time";
import type { ObjectType } from "../objects";
import { UNSUCCESSFUL } from "./records";

export type RunDirection = "inbound" | "outbound";
export type RunKind = "backfill" | "incremental" | "push" | "retry" | "reconcile";
export type RunRow = typeof runs.$inferSelect;

export interface NewRun {
  id: string;
  workspaceId: string;
  direction: RunDirection;
  objectType: ObjectType;
  salesforceObject: string;
  kind: RunKind;
  startedAt: string;
  state?: unknown;
  retryOf?: string | null;
  /** Why the run happened beyond its kind (see describeRun). */
  note?: string | null;
}

/**
 * Opens a run, or returns the one a previous delivery of the same message opened: run ids are
 * derived from the message, so redelivery resumes its own run instead of starting a second.
 */
export async function openRun(db: Db, run: NewRun): Promise<RunRow> {
  await db
    .insert(runs)
    .values({
      id: run.id,
      workspaceId: run.workspaceId,
      direction: run.direction,
      objectType: run.objectType,
      salesforceObject: run.salesforceObject,
      kind: run.kind,
      status: "in_progress",
      startedAt: run.startedAt,
      heartbeatAt: isoNow(),
      state: JSON.stringify(run.state ?? {}),
      retryOf: run.retryOf ?? null,
      note: run.note ?? null,
    })
    .onConflictDoNothing();
  const row = await db.select().from(runs).where(eq(runs.id, run.id)).get();
  if (!row) throw new RunNotOpened(run.id);
  return row;
}

/** The insert was refused by a constraint other than the run's id (runs_retry_once: a second retry). */
export class RunNotOpened extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} was not opened: a constraint refused it`);
    this.name = "RunNotOpened";
  }
}

/** The five counts, derived from the run's records: the only place counts come from. */
function countsFromRecords(runId: string) {
  return sql`(SELECT coalesce(sum(status = 'success' AND action = 'created'), 0),
               coalesce(sum(status = 'success' AND action = 'updated'), 0),
               coalesce(sum(status = 'success' AND action = 'deleted'), 0),
               coalesce(sum(status = 'skipped'), 0),
               coalesce(sum(status = 'failed'), 0)
        FROM run_records WHERE run_id = ${runId})`;
}

/**
 * A run's skipped and failed records counted by reason, as a JSON array of `[status, reasonCode, count]`
 * (`[]` when there are none), through run_records_run_status_seq. `runId` is a value or a column
 * (`runs.id`, for a correlated subquery). recountRun stores it on the run; the health card evaluates
 * it live for runs that have none stored yet, so stored and live numbers come from the same SQL.
 */
export function reasonCountsFromRecords(runId: string | SQLWrapper) {
  return sql`(SELECT json_group_array(json_array(rr.status, rr.reason_code, rr.n)) FROM (
          SELECT status, reason_code, count(*) AS n FROM run_records
          WHERE run_id = ${runId} AND ${UNSUCCESSFUL} AND reason_code IS NOT NULL
          GROUP BY status, reason_code ORDER BY status, reason_code) AS rr)`;
}

/**
 * Counts are never added up in code: they are recomputed from the run's records, so a repeated
 * page or a redelivered batch cannot double count. Every close runs it (in the closing batch), so it
 * also stores the reason counts the health card sums.
 */
export function recountRun(db: Db, runId: string) {
  return db.run(sql`
    UPDATE runs SET (created, updated, deleted, skipped, failed) = ${countsFromRecords(runId)},
      reason_counts = ${reasonCountsFromRecords(runId)}
    WHERE id = ${runId}`);
}

/**
 * Progress of an in-progress run in one statement: its resume state, a heartbeat for the reaper,
 * and counts recomputed from its records so the page shows them live. Reason counts stay NULL
 * until the run closes (health counts an open run's reasons from its records).
 */
export function saveRunProgress(db: Db, runId: string, state: unknown, pageFromSeq?: number) {
  if (pageFromSeq !== undefined) {
    // Only this page's records (seq from pageFromSeq on, through run_records_run_seq): the page, its
    // records and these counts commit in one batch, so a page is counted once; closing the run
    // recounts everything, so the final counts stay derived from all the records.
    return db.run(sql`
      UPDATE runs SET state = ${JSON.stringify(state)}, heartbeat_at = ${isoNow()}, reason_counts = NULL,
        (created, updated, deleted, skipped, failed) = (SELECT runs.created + coalesce(sum(status = 'success' AND action = 'created'), 0),
               runs.updated + coalesce(sum(status = 'success' AND action = 'updated'), 0),
               runs.deleted + coalesce(sum(status = 'success' AND action = 'deleted'), 0),
               runs.skipped + coalesce(sum(status = 'skipped'), 0),
               runs.failed + coalesce(sum(status = 'failed'), 0)
          FROM run_records WHERE run_id = ${runId} AND seq >= ${pageFromSeq})
      WHERE id = ${runId} AND status = 'in_progress'`);
  }
  return db.run(sql`
    UPDATE runs SET state = ${JSON.stringify(state)}, heartbeat_at = ${isoNow()}, reason_counts = NULL,
      (created, updated, deleted, skipped, failed) = ${countsFromRecords(runId)}
    WHERE id = ${runId} AND status = 'in_progress'`);
}

export interface RunOutcome {
  status: "completed" | "failed";
  failureCode?: string | null;
  failureDetail?: string | null;
}

/** Closes a run once: finishedAt and duration are set by the first close, never overwritten. */
export function closeRun(db: Db, run: Pick<RunRow, "id" | "startedAt">, outcome: RunOutcome) {
  const finishedAt = isoNow();
  return db
    .update(runs)
    .set({
      status: outcome.status,
      finishedAt,
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(run.startedAt)),
      failureCode: outcome.failureCode ?? null,
      failureDetail: outcome.failureDetail?.slice(0, 1000) ?? null,
      heartbeatAt: finishedAt,
    })
    .where(and(eq(runs.id, run.id), eq(runs.status, "in_progress")));
}
