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
export interface StoredRecord extends Required<Omit<RunRecordInput, "key">> {
  id: string;
  runId: string;
  /** Orders records of equal seq: a row's rowid; a page's record, PAGE_TIE + its slot (after every row). */
  tie: number;
}

/**
 * The tie of a record read from a page is PAGE_TIE + its slot in the page: after any row with the
 * same seq (rowids stay far below 2^52), and records sharing a seq keep their written order.
 */
export const PAGE_TIE = 2 ** 52;

/**
 * The condition of run_records_run_status_seq, a partial index: only skipped and failed records have
 * an entry. SQLite uses a partial index only when the query repeats its condition word for word, with
 * the literal: every query that seeks skipped or failed records adds this term.
 */
export const UNSUCCESSFUL = sql.raw(`"run_records"."status" != 'success'`);

/** The condition of run_records_run_legacy_seq: rows a Worker before migration 0013 wrote, in no page. */
export const LEGACY = sql.raw(`"run_records"."paged" = 0`);
