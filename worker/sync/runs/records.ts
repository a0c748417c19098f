import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { jsonChunks } from "../../db/json-param";

export type RecordAction = "created" | "updated" | "deleted";
export type RecordStatus = "success" | "skipped" | "failed";

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One record's outcome in a run, as both directions report it. */
export interface RunRecordInput {
  /** Unique within the run (a Salesforce id, an outbox id): the upsert key that makes redelivery safe. */
  key: string;
  seq: number;
  salesforceId: string | null;
  salesforceObject: string;
  conversionId: string | null;
  label: string;
  email: string | null;
  action: RecordAction | null;
  status: RecordStatus;
  reasonCode: string | null;
  reasonDetail?: string | null;
  sfError?: { statusCode: string; message: string; fields: string[] } | null;
  externalCreatedAt: string | null;
  externalUpdatedAt: string | null;
  changes: FieldChange[];
  outboxId?: string | null;
}

/**
 * The condition of run_records_run_status_seq, a partial index: only skipped and failed records have
 * an entry (successes, nearly all records, would be one more D1 row written each, for lists that
 * walk run_records_run_seq just as well since most records match). SQLite uses a partial index only
 * when the query repeats its condition word for word, with the literal: every query that seeks
 * skipped or failed records adds this term.
 */
export const UNSUCCESSFUL = sql.raw(`"run_records"."status" != 'success'`);

/** Short keys keep a 2,000-record page in one JSON parameter. */
function encodeRecord(r: RunRecordInput) {
  return {
    k: r.key,
    q: r.seq,
    s: r.salesforceId,
    o: r.salesforceObject,
    c: r.conversionId,
    l: r.label.slice(0, 300),
    e: r.email,
    a: r.action,
    st: r.status,
    rc: r.reasonCode,
    rd: r.reasonDetail ?? null,
    ec: r.sfError?.statusCode ?? null,
    em: r.sfError?.message?.slice(0, 2000) ?? null,
    ef: r.sfError ? JSON.stringify(r.sfError.fields ?? []) : null,
    xc: r.externalCreatedAt,
    xu: r.externalUpdatedAt,
    ch: r.changes,
    ob: r.outboxId ?? null,
  };
}

/**
 * Set-based upsert of a page of run records: one statement per ~900 KB of rows, keyed by
 * (run, record key), so writing the same page again replaces rather than adds.
 */
export function upsertRunRecords(db: Db, workspaceId: string, runId: string, rows: RunRecordInput[]) {
  return jsonChunks(rows, encodeRecord).map((json) =>
    db.run(sql`
      INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object,
        conversion_id, label, email, action, status, reason_code, reason_detail, sf_status_code, sf_message, sf_fields,
        external_created_at, external_updated_at, changes, outbox_id)
      SELECT ${runId} || ':' || (j.value ->> 'k'), ${workspaceId}, ${runId}, j.value ->> 'k', j.value ->> 'q',
        j.value ->> 's', j.value ->> 'o', j.value ->> 'c', j.value ->> 'l', j.value ->> 'e', j.value ->> 'a',
        j.value ->> 'st', j.value ->> 'rc', j.value ->> 'rd', j.value ->> 'ec', j.value ->> 'em', j.value ->> 'ef',
        j.value ->> 'xc', j.value ->> 'xu', json(j.value -> 'ch'), j.value ->> 'ob'
      FROM json_each(${json}) AS j WHERE true
      ON CONFLICT (run_id, record_key) DO UPDATE SET
        conversion_id = excluded.conversion_id, label = excluded.label, email = excluded.email,
        action = excluded.action, status = excluded.status, reason_code = excluded.reason_code,
        reason_detail = excluded.reason_detail,
        sf_status_code = excluded.sf_status_code, sf_message = excluded.sf_message, sf_fields = excluded.sf_fields,
        external_created_at = excluded.external_created_at, external_updated_at = excluded.external_updated_at,
        changes = excluded.changes, outbox_id = excluded.outbox_id`),
  );
}
