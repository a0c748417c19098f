import type { RunRecordInput, StoredRecord } from "./records";
import { PAGE_TIE } from "./records";

// A run's records are stored a page per row (run_pages): a JSON array of packed records in seq order.
// Packed = short keys, and null, empty and default values left out, so a 2,000-record Salesforce page
// of Lead creates is ~0.7 MB. The same format is read by SQL (counts, the migration, record history),
// so its keys are part of the schema: change them only with a migration.

/** Records per page row: small enough that reading one record of a page parses little. */
export const PAGE_RECORDS = 500;
/** And bytes: a D1 row is at most 2 MB; one record can be large (a long text field's changes). */
export const PAGE_BYTES = 400_000;

export interface PackedRecord {
  /** seq */
  q: number;
  /** record key, when it is not the Salesforce id */
  k?: string;
  s?: string;
  /** Salesforce object, when it is not the run's */
  so?: string;
  c?: string;
  l?: string;
  e?: string;
  a?: string;
  /** status, when it is not success */
  t?: string;
  r?: string;
  d?: string;
  /** Salesforce's error: [statusCode, message, fields] */
  x?: [string, string, string[]];
  ct?: string;
  ut?: string;
  /** changes: [field, from, to] each */
  g?: [string, unknown, unknown][];
  /** outbox id */
  o?: string;
}

export function packRecord(r: RunRecordInput, runObject: string): PackedRecord {
  const p: PackedRecord = { q: r.seq };
  if (r.key !== r.salesforceId) p.k = r.key;
  if (r.salesforceId) p.s = r.salesforceId;
  if (r.salesforceObject !== runObject) p.so = r.salesforceObject;
  if (r.conversionId) p.c = r.conversionId;
  if (r.label) p.l = r.label.slice(0, 300);
  if (r.email) p.e = r.email;
  if (r.action) p.a = r.action;
  if (r.status !== "success") p.t = r.status;
  if (r.reasonCode) p.r = r.reasonCode;
  if (r.reasonDetail) p.d = r.reasonDetail;
  if (r.sfError) p.x = [r.sfError.statusCode ?? "", (r.sfError.message ?? "").slice(0, 2000), r.sfError.fields ?? []];
  if (r.externalCreatedAt) p.ct = r.externalCreatedAt;
  if (r.externalUpdatedAt) p.ut = r.externalUpdatedAt;
  if (r.changes.length) p.g = r.changes.map((c) => [c.field, c.from ?? null, c.to ?? null]);
  if (r.outboxId) p.o = r.outboxId;
  return p;
}

/** A packed record back into the shape every reader uses; tolerant of damage (it is our own data, but a page must not fail). */
export function unpackRecord(runId: string, runObject: string, p: PackedRecord, slot = 0): StoredRecord {
  const key = p.k ?? p.s ?? `row-${p.q}`;
  const status = p.t === "skipped" || p.t === "failed" ? p.t : "success";
  return {
    id: `${runId}:${key}`,
    runId,
    seq: Number(p.q),
    tie: PAGE_TIE + slot,
    salesforceId: p.s ?? null,
    salesforceObject: p.so ?? runObject,
    conversionId: p.c ?? null,
    label: p.l ?? "",
    email: p.e ?? null,
    action: p.a === "created" || p.a === "updated" || p.a === "deleted" ? p.a : null,
    status,
    reasonCode: p.r ?? null,
    reasonDetail: p.d ?? null,
    sfError: Array.isArray(p.x)
      ? {
          statusCode: String(p.x[0] ?? ""),
          message: String(p.x[1] ?? ""),
          fields: Array.isArray(p.x[2]) ? p.x[2].filter((f) => typeof f === "string") : [],
        }
      : null,
    externalCreatedAt: p.ct ?? null,
    externalUpdatedAt: p.ut ?? null,
    changes: readChanges(p.g),
    outboxId: p.o ?? null,
  };
}

/** Changes as pages store them ([field, from, to]) or as rows before 0013 did ({field, from, to}). */
export function readChanges(value: unknown): StoredRecord["changes"] {
  if (!Array.isArray(value)) return [];
  const out: StoredRecord["changes"] = [];
  for (const c of value) {
    if (Array.isArray(c) && typeof c[0] === "string") out.push({ field: c[0], from: c[1] ?? null, to: c[2] ?? null });
    else if (c && typeof c === "object" && typeof (c as { field?: unknown }).field === "string") {
      const o = c as { field: string; from?: unknown; to?: unknown };
      out.push({ field: o.field, from: o.from ?? null, to: o.to ?? null });
    }
  }
  return out;
}

export interface Page {
  firstSeq: number;
  lastSeq: number;
  /** The page's row value: a JSON array of its packed records, in order. */
  text: string;
  records: RunRecordInput[];
}

/** Where a record is stored: its page (by first seq) and its index in the page. */
export interface Place {
  firstSeq: number;
  slot: number;
}

/**
 * Cuts records (in seq order) into pages greedily by count and size. Appending records never moves
 * the ones before them, so the places a classifier hands out stay true when a caller adds records
 * (retries and reconciliation add the ones Salesforce no longer returns).
 */
export function layoutPages(records: readonly RunRecordInput[], runObject: string): { pages: Page[]; places: Place[] } {
  const pages: Page[] = [];
  const places: Place[] = [];
  for (let start = 0; start < records.length; ) {
    // A page's records stringified together, not each on its own and joined: no 500 small texts
    // to keep alive (garbage a 50,000-record batch collected), the same text. If it is within
    // PAGE_BYTES, the cut by size would have taken every one of them (its running size only grows
    // up to exactly this length); if not, that page is cut record by record as before.
    const end = Math.min(start + PAGE_RECORDS, records.length);
    const packed: PackedRecord[] = [];
    for (let i = start; i < end; i++) packed.push(packRecord(records[i]!, runObject));
    const whole = JSON.stringify(packed);
    const page =
      whole.length - 2 <= PAGE_BYTES ? pageOf(records, start, end, whole) : cutBySize(records, start, end, packed);
    for (let slot = 0; slot < page.records.length; slot++) places.push({ firstSeq: page.firstSeq, slot });
    pages.push(page);
    start += page.records.length;
  }
  return { pages, places };
}

function pageOf(records: readonly RunRecordInput[], start: number, end: number, text: string): Page {
  const page: Page = { firstSeq: records[start]!.seq, lastSeq: records[start]!.seq, text, records: [] };
  for (let i = start; i < end; i++) {
    page.records.push(records[i]!);
    page.lastSeq = Math.max(page.lastSeq, records[i]!.seq);
  }
  return page;
}

/** The first page of records[start, end) when they exceed PAGE_BYTES together: as many as fit, at least one. */
function cutBySize(records: readonly RunRecordInput[], start: number, end: number, packed: PackedRecord[]): Page {
  const texts: string[] = [];
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const text = JSON.stringify(packed[i - start]);
    if (texts.length && bytes + text.length > PAGE_BYTES) break;
    texts.push(text);
    bytes += text.length + 1;
  }
  return pageOf(records, start, start + texts.length, `[${texts.join(",")}]`);
}
