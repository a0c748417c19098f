import { SYSTEM_FIELDS } from "../objects";

/** Where a batch starts: strictly after this (SystemModstamp, Id), or at the beginning. */
export type WindowStart = { stamp: string; id: string } | null;

/** Batch sizes (docs/glossary.md, "batch"): backfill ≤50,000, incremental ≤5,000, pages ≤2,000. */
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
 * A keyset window, optionally bounded above by a slice end: ORDER BY (SystemModstamp, Id) with a strict lower bound, so a batch can be
 * fetched again from any committed record without a query locator surviving the invocation.
 * `bulk`: the same slice for a Bulk API 2.0 job, unordered and unlimited; `count`: how many records it holds.
 */
export function windowQuery(
  object: string,
  fields: readonly string[],
  after: WindowStart,
  limit: number,
  until: string | null = null,
  opts: { bulk?: boolean; count?: boolean } = {},
): string {
  const select = [...new Set([...SYSTEM_FIELDS, ...fields])].join(", ");
  const bounds: string[] = [];
  if (after)
    bounds.push(
      `(SystemModstamp > ${datetime(after.stamp)} OR (SystemModstamp = ${datetime(after.stamp)} AND Id > ${literal(after.id)}))`,
    );
  // The slice's upper bound keeps the scan selective on a large object (see slice.ts).
  if (until) bounds.push(`SystemModstamp <= ${datetime(until)}`);
  const where = bounds.length ? ` WHERE ${bounds.join(" AND ")}` : "";
  if (opts.count) return `SELECT COUNT() FROM ${object}${where}`;
  // A Bulk job reads the whole slice in no order: ORDER BY and LIMIT would turn off its PK chunking.
  if (opts.bulk) return `SELECT ${select} FROM ${object}${where}`;
  return `SELECT ${select} FROM ${object}${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit}`;
}
