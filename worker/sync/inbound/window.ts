import { SYSTEM_FIELDS } from "../objects";

/** Where a batch starts: strictly after this (SystemModstamp, Id), or at the beginning. */
export type WindowStart = { stamp: string; id: string } | null;

/** Batch sizes from the help article: backfill ≤50,000, incremental ≤5,000, pages ≤2,000. */
export const BACKFILL_BATCH = 50_000;
export const INCREMENTAL_BATCH = 5_000;
export const PAGE_SIZE = 2_000;

function literal(id: string): string {
  // Ids come from Salesforce responses already checked against /^[a-zA-Z0-9]{15,18}$/.
  if (!/^[a-zA-Z0-9]{15,18}$/.test(id)) throw new Error(`not a Salesforce id: ${id}`);
  return `'${id}'`;
}

function datetime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a datetime: ${iso}`);
  return new Date(ms).toISOString();
}

/**
 * A keyset window: ORDER BY (SystemModstamp, Id) with a strict lower bound, so a batch can be
 * fetched again from any committed record without a query locator surviving the invocation.
 */
export function windowQuery(object: string, fields: readonly string[], after: WindowStart, limit: number): string {
  const select = [...new Set([...SYSTEM_FIELDS, ...fields])].join(", ");
  const where = after
    ? ` WHERE (SystemModstamp > ${datetime(after.stamp)} OR (SystemModstamp = ${datetime(after.stamp)} AND Id > ${literal(after.id)}))`
    : "";
  return `SELECT ${select} FROM ${object}${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit}`;
}
