import { and, asc, eq, isNotNull, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { runRecords, runs } from "../../db/schema";
import type { RunDirection, RunKind } from "../../db/schema/enums";
import { isoNow } from "../../lib/time";
import type { ObjectType } from "../objects";
import { LEGACY, UNSUCCESSFUL } from "./records";

export type { RunDirection, RunKind } from "../../db/schema/enums";
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

/** A run as the bookkeeping statements name it: its id, and its workspace (every read is scoped by it). */
export type RunKey = Pick<RunRow, "id" | "workspaceId">;

/**
 * The five counts of a run's records: its pages' counts (each page counted from its
 * records when written) and any rows a Worker before migration 0013 wrote (in no page). The only
 * place counts come from.
 */
function countsFromRecords(run: RunKey) {
  return sql`(SELECT p.c, p.u, p.d, p.s, p.f FROM ${countsRow(run, 0)} AS p)`;
}

/**
 * A run's skipped and failed records counted by reason, as a JSON array of `[status, reasonCode, count]`
 * (`[]` when there are none), through run_records_run_status_seq (every skipped or failed record has a
 * row). `runId` is a value or a column (`runs.id`, for a correlated subquery). recountRun stores it on
 * the run; the health card evaluates it live for runs that have none stored yet, so stored and live
 * numbers come from the same SQL.
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
export function recountRun(db: Db, run: RunKey) {
  return db.run(sql`
    UPDATE runs SET (created, updated, deleted, skipped, failed) = ${countsFromRecords(run)},
      reason_counts = ${reasonCountsFromRecords(run.id)}
    WHERE id = ${run.id}`);
}

/**
 * Progress of an in-progress run in one statement: its resume state, a heartbeat for the reaper,
 * and counts recomputed from its records so the page shows them live. Reason counts stay NULL
 * until the run closes (health counts an open run's reasons from its records).
 */
export function saveRunProgress(db: Db, run: RunKey, state: unknown, pageFromSeq?: number) {
  if (pageFromSeq !== undefined) {
    // Only this page's records (its pages, from pageFromSeq on): the page, its records and these
    // counts commit in one batch, so a page is counted once; closing the run recounts everything,
    // so the final counts stay derived from all the records.
    return db.run(sql`
      UPDATE runs SET state = ${JSON.stringify(state)}, heartbeat_at = ${isoNow()}, reason_counts = NULL,
        (created, updated, deleted, skipped, failed) = (SELECT runs.created + p.c, runs.updated + p.u,
          runs.deleted + p.d, runs.skipped + p.s, runs.failed + p.f FROM ${countsRow(run, pageFromSeq)} AS p)
      WHERE id = ${run.id} AND status = 'in_progress'`);
  }
  return db.run(sql`
    UPDATE runs SET state = ${JSON.stringify(state)}, heartbeat_at = ${isoNow()}, reason_counts = NULL,
      (created, updated, deleted, skipped, failed) = ${countsFromRecords(run)}
    WHERE id = ${run.id} AND status = 'in_progress'`);
}

/** The counts of a run's records from `fromSeq` on, as a one-row table (c, u, d, s, f). */
function countsRow(run: RunKey, fromSeq: number) {
  return sql`(SELECT coalesce(sum(c), 0) AS c, coalesce(sum(u), 0) AS u, coalesce(sum(d), 0) AS d,
      coalesce(sum(s), 0) AS s, coalesce(sum(f), 0) AS f
    FROM (SELECT created AS c, updated AS u, deleted AS d, skipped AS s, failed AS f FROM run_pages
          WHERE workspace_id = ${run.workspaceId} AND run_id = ${run.id} AND first_seq >= ${fromSeq}
          UNION ALL
          SELECT status = 'success' AND action = 'created', status = 'success' AND action = 'updated',
                 status = 'success' AND action = 'deleted', status = 'skipped', status = 'failed'
          FROM run_records WHERE run_id = ${run.id} AND seq >= ${fromSeq} AND ${LEGACY}))`;
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

/**
 * What a retry takes again: the run's failed records (the index's unsuccessful ones), by the id
 * `column` holds (Salesforce's for inbound, Conversion's for outbound), in their order; records
 * without one are left out.
 */
export async function failedRecordIds(
  db: Db,
  runId: string,
  column: typeof runRecords.salesforceId | typeof runRecords.conversionId,
): Promise<string[]> {
  const rows = await db
    .select({ id: column })
    .from(runRecords)
    .where(and(eq(runRecords.runId, runId), eq(runRecords.status, "failed"), UNSUCCESSFUL, isNotNull(column)))
    .orderBy(asc(runRecords.seq))
    .all();
  return rows.map((r) => r.id!);
}
