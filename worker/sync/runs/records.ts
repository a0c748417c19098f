import { sql } from "drizzle-orm";

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

/** A run record as every reader sees it, wherever it is stored (a page, or a row of run_records). */
export interface StoredRecord {
  id: string;
  runId: string;
  seq: number;
  /** Orders records of equal seq: a row's rowid; records read from pages sort after every row. */
  tie: number;
  salesforceId: string | null;
  salesforceObject: string;
  conversionId: string | null;
  label: string;
  email: string | null;
  action: RecordAction | null;
  status: RecordStatus;
  reasonCode: string | null;
  reasonDetail: string | null;
  sfError: { statusCode: string; message: string; fields: string[] } | null;
  externalCreatedAt: string | null;
  externalUpdatedAt: string | null;
  changes: FieldChange[];
  outboxId: string | null;
}

/** The tie of records read from pages: after any row with the same seq. */
export const PAGE_TIE = Number.MAX_SAFE_INTEGER;

/**
 * The condition of run_records_run_status_seq, a partial index: only skipped and failed records have
 * an entry. SQLite uses a partial index only when the query repeats its condition word for word, with
 * the literal: every query that seeks skipped or failed records adds this term.
 */
export const UNSUCCESSFUL = sql.raw(`"run_records"."status" != 'success'`);

/** The condition of run_records_run_legacy_seq: rows a Worker before migration 0013 wrote, in no page. */
export const LEGACY = sql.raw(`"run_records"."paged" = 0`);
