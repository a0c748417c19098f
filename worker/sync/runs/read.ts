import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { runPages, runRecords } from "../../db/schema";
import { type PackedRecord, readChanges, unpackRecord } from "./pages";
import { LEGACY, type RecordStatus, type StoredRecord, UNSUCCESSFUL } from "./records";

// Reading a run's records in seq order. Skipped and failed ones each have a row (the status tabs walk
// run_records_run_status_seq); the whole list and the successes read the run's pages, a few hundred
// records per row, plus any rows a Worker before migration 0013 wrote (run_records_run_legacy_seq).
// Every query seeks its run by key and starts at the cursor: page 1,000 costs what page 1 costs.

/** A position in a run's records: (seq, tie); `tie` is a row's rowid, or PAGE_TIE + slot for a page's record. */
export type RecordKey = readonly [seq: number, tie: number];

const rowid = sql<number>`"run_records"."rowid"`;

/** Rows of one run in (seq, rowid) order after `cursor`: its skipped or failed ones, or those in no page. */
export function recordRowsQuery(
  db: Db,
  workspaceId: string,
  runId: string,
  which: { status: "skipped" | "failed" } | { legacy: true; status?: RecordStatus },
  cursor: RecordKey | null,
  limit: number,
) {
  const status = which.status;
  return db
    .select({ ...getTableColumns(runRecords), rowid })
    .from(runRecords)
    .where(
      and(
        eq(runRecords.runId, runId),
        eq(runRecords.workspaceId, workspaceId),
        status ? eq(runRecords.status, status) : undefined,
        "legacy" in which ? LEGACY : UNSUCCESSFUL,
        cursor ? sql`(${runRecords.seq}, ${rowid}) > (${cursor[0]}, ${Math.min(cursor[1], 2 ** 53 - 1)})` : undefined,
      ),
    )
    .orderBy(asc(runRecords.seq), asc(rowid))
    .limit(limit);
}

/** Where a read of pages starts: at the page holding a seq, or after a page already read. */
export type PageStart = { holding: number } | { after: number } | null;

/** A run's pages in seq order from `start` on; with `successes`, only pages that have any. */
export function runPagesQuery(
  db: Db,
  workspaceId: string,
  runId: string,
  start: PageStart,
  successes: boolean,
  limit: number,
) {
  const from =
    start === null
      ? undefined
      : "after" in start
        ? sql`${runPages.firstSeq} > ${start.after}`
        : // The page holding the seq is the last one starting at or before it (pages do not overlap).
          sql`${runPages.firstSeq} >= coalesce((SELECT max(first_seq) FROM run_pages
            WHERE workspace_id = ${workspaceId} AND run_id = ${runId} AND first_seq <= ${start.holding}), 0)`;
  return db
    .select({ firstSeq: runPages.firstSeq, records: runPages.records })
    .from(runPages)
    .where(
      and(
        eq(runPages.workspaceId, workspaceId),
        eq(runPages.runId, runId),
        from,
        successes ? sql`${runPages.created} + ${runPages.updated} + ${runPages.deleted} > 0` : undefined,
      ),
    )
    .orderBy(asc(runPages.firstSeq))
    .limit(limit);
}

type Row = typeof runRecords.$inferSelect & { rowid: number };

/** A row of run_records as a StoredRecord. */
export function fromRow(row: Row): StoredRecord {
  return {
    id: row.id,
    runId: row.runId,
    seq: row.seq,
    tie: row.rowid,
    salesforceId: row.salesforceId ?? null,
    salesforceObject: row.salesforceObject,
    conversionId: row.conversionId ?? null,
    label: row.label,
    email: row.email ?? null,
    action: row.action ?? null,
    status: row.status,
    reasonCode: row.reasonCode ?? null,
    reasonDetail: row.reasonDetail ?? null,
    sfError:
      row.sfStatusCode == null && row.sfMessage == null
        ? null
        : { statusCode: row.sfStatusCode ?? "", message: row.sfMessage ?? "", fields: parseStrings(row.sfFields) },
    externalCreatedAt: row.externalCreatedAt ?? null,
    externalUpdatedAt: row.externalUpdatedAt ?? null,
    changes: readChanges(safeJson(row.changes)),
    outboxId: row.outboxId ?? null,
  };
}

/** The records of a page row's JSON, as StoredRecords; a damaged page reads as empty rather than failing the list. */
export function recordsOfPage(runId: string, runObject: string, text: string): StoredRecord[] {
  const value = safeJson(text);
  if (!Array.isArray(value)) return [];
  const out: StoredRecord[] = [];
  value.forEach((p: PackedRecord | null, slot) => {
    if (typeof p === "object" && p !== null && Number.isSafeInteger(p.q))
      out.push(unpackRecord(runId, runObject, p, slot));
  });
  return out;
}

const after = (r: StoredRecord, c: RecordKey | null) => !c || r.seq > c[0] || (r.seq === c[0] && r.tie > c[1]);
const order = (a: StoredRecord, b: StoredRecord) => a.seq - b.seq || a.tie - b.tie;

/**
 * Up to `limit` records of one run after `cursor`, in (seq, tie) order: `status` filters as the API's
 * tabs do. At most a few page rows are read per call, however long the run.
 */
export async function readRunRecords(
  db: Db,
  workspaceId: string,
  run: { id: string; salesforceObject: string },
  status: RecordStatus | undefined,
  cursor: RecordKey | null,
  limit: number,
): Promise<StoredRecord[]> {
  if (status === "skipped" || status === "failed") {
    const rows = await recordRowsQuery(db, workspaceId, run.id, { status }, cursor, limit).all();
    return rows.map(fromRow);
  }
  const legacy = (await recordRowsQuery(db, workspaceId, run.id, { legacy: true, status }, cursor, limit).all()).map(
    fromRow,
  );
  const paged: StoredRecord[] = [];
  let start: PageStart = cursor ? { holding: cursor[0] } : null;
  // Pages hold up to PAGE_RECORDS records: two at a time fill any page of the API (at most 1,000).
  for (;;) {
    const pages = await runPagesQuery(db, workspaceId, run.id, start, status === "success", 2).all();
    for (const page of pages) {
      for (const r of recordsOfPage(run.id, run.salesforceObject, page.records)) {
        if ((!status || r.status === status) && after(r, cursor)) paged.push(r);
      }
    }
    if (pages.length < 2 || paged.length >= limit) break;
    start = { after: pages[pages.length - 1]!.firstSeq };
  }
  return [...legacy, ...paged].sort(order).slice(0, limit);
}

function parseStrings(text: string | null): string[] {
  const value = safeJson(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function safeJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
