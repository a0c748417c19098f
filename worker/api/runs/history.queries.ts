import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { companies, contacts, events, opportunities, opportunityContactRoles, runRecords, runs } from "../../db/schema";
import { type Ref, readRefs } from "../../sync/runs/history";
import { unpackRecord } from "../../sync/runs/pages";
import { fromRow } from "../../sync/runs/read";
import type { StoredRecord } from "../../sync/runs/records";

// Record history: every run record about one Salesforce id or email, newest first. Records live in
// their runs' pages; what points at them is the Conversion record's `history` refs (the contact with
// that email, or the record with that Salesforce id), and the rows run_records keeps (skipped, failed,
// deleted, moved) through run_records_ws_sfid / _ws_email, some carrying the refs of the Conversion
// record they left. A page of history reads a handful of indexed rows and the pages its refs name.

export type HistoryLookup = { salesforceId: string } | { email: string };

/** A position in a record history: (at, `${runId}:${seq}`), newest first. */
export type HistoryKey = readonly [at: string, tie: string];

const rowid = sql<number>`"run_records"."rowid"`;

/** Rows kept for one Salesforce id or email, newest first, from `before` (inclusive) back. */
export function historyRowsQuery(db: Db, workspaceId: string, by: HistoryLookup, before: string | null, limit: number) {
  return db
    .select({ ...getTableColumns(runRecords), rowid })
    .from(runRecords)
    .where(
      and(
        eq(runRecords.workspaceId, workspaceId),
        "salesforceId" in by ? eq(runRecords.salesforceId, by.salesforceId) : eq(runRecords.email, by.email),
        before ? sql`${runRecords.createdAt} <= ${before}` : undefined,
      ),
    )
    .orderBy(desc(runRecords.createdAt), desc(rowid))
    .limit(limit);
}

const LINKED = [contacts, companies, opportunities, opportunityContactRoles, events] as const;

/** The Conversion records that hold history for the lookup: by Salesforce id in every table, by email among contacts. */
export function historyHoldersQuery(db: Db, workspaceId: string, by: HistoryLookup) {
  if ("email" in by) {
    return db
      .select({ id: contacts.id, history: contacts.history })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.email, by.email)));
  }
  const [first, ...rest] = LINKED.map((t) =>
    db
      .select({ id: t.id, history: t.history })
      .from(t)
      .where(and(eq(t.workspaceId, workspaceId), eq(t.salesforceId, by.salesforceId))),
  );
  // biome-ignore lint/suspicious/noExplicitAny: drizzle's unionAll over tables of different shapes
  return rest.reduce((q: any, next) => q.unionAll(next), first!) as typeof first;
}

/**
 * The records `refs` name, one page row each by its whole primary key, extracting only the named slot.
 * CROSS JOIN keeps the refs the outer loop: SQLite otherwise walked every page of the workspace (the
 * key's first column) and matched the refs against each.
 */
export function refRecordsQuery(db: Db, workspaceId: string, refs: Pick<Ref, "runId" | "firstSeq" | "slot">[]) {
  const list = JSON.stringify(refs.map((r) => [r.runId, r.firstSeq, r.slot]));
  return db.all<{
    i: number;
    rec: string | null;
  }>(sql`SELECT r.key AS i, json_extract(p.records, '$[' || (r.value ->> 2) || ']') AS rec
    FROM json_each(${list}) AS r
    CROSS JOIN run_pages AS p ON p.workspace_id = ${workspaceId} AND p.run_id = r.value ->> 0 AND p.first_seq = r.value ->> 1`);
}

type RunInfo = Pick<
  typeof runs.$inferSelect,
  "id" | "direction" | "objectType" | "salesforceObject" | "kind" | "startedAt" | "status" | "note"
>;

export interface HistoryEntry {
  record: StoredRecord;
  at: string;
  tie: string;
  run: RunInfo;
}

const tieOf = (runId: string, seq: number) => `${runId}:${String(seq).padStart(12, "0")}`;
const before = (at: string, tie: string, c: HistoryKey | null) => !c || at < c[0] || (at === c[0] && tie < c[1]);
const newestFirst = (a: { at: string; tie: string }, b: { at: string; tie: string }) =>
  a.at === b.at ? (a.tie < b.tie ? 1 : a.tie > b.tie ? -1 : 0) : a.at < b.at ? 1 : -1;

/** Whether a record is about the lookup's Salesforce id or email (a Conversion record's refs also name records it had under others). */
function matches(r: StoredRecord, by: HistoryLookup) {
  return "salesforceId" in by ? r.salesforceId === by.salesforceId : r.email === by.email;
}

/** Up to `limit` history entries after `cursor`, newest first. */
export async function readHistory(
  db: Db,
  workspaceId: string,
  by: HistoryLookup,
  cursor: HistoryKey | null,
  limit: number,
): Promise<HistoryEntry[]> {
  const fetch = limit + 20;
  const [rows, holders] = await Promise.all([
    historyRowsQuery(db, workspaceId, by, cursor?.[0] ?? null, fetch).all(),
    historyHoldersQuery(db, workspaceId, by).all(),
  ]);
  type Candidate = { at: string; tie: string; record?: StoredRecord; ref?: Ref };
  const byTie = new Map<string, Candidate>();
  for (const row of rows) {
    const record = fromRow(row);
    byTie.set(tieOf(record.runId, record.seq), { at: row.createdAt, tie: tieOf(record.runId, record.seq), record });
  }
  for (const ref of [...holders.flatMap((h) => readRefs(h.history)), ...rows.flatMap((r) => readRefs(r.history))]) {
    const tie = tieOf(ref.runId, ref.seq);
    if (!byTie.has(tie)) byTie.set(tie, { at: new Date(ref.ms).toISOString(), tie, ref });
  }
  // Rows were read up to `fetch`: when cut there, nothing older than the last one read may be shown yet.
  const floor = rows.length === fetch ? rows[rows.length - 1]!.createdAt : "";
  const candidates = [...byTie.values()].filter((c) => before(c.at, c.tie, cursor) && c.at >= floor).sort(newestFirst);

  const found: { at: string; tie: string; record: StoredRecord }[] = [];
  for (let i = 0; i < candidates.length && found.length < limit; i += fetch) {
    const slice = candidates.slice(i, i + fetch);
    const refs = slice.filter((c) => c.ref).map((c) => c.ref!);
    const extracted = new Map<number, string | null>();
    if (refs.length) {
      for (const row of await refRecordsQuery(db, workspaceId, refs)) extracted.set(row.i, row.rec);
    }
    const runObjects = await runsOf(
      db,
      workspaceId,
      slice.map((c) => c.record?.runId ?? c.ref!.runId),
    );
    let k = 0;
    for (const c of slice) {
      let record = c.record;
      if (c.ref) {
        const text = extracted.get(k++);
        const run = runObjects.get(c.ref.runId);
        const packed = text && run ? safePacked(text) : null;
        record = packed ? unpackRecord(c.ref.runId, run!.salesforceObject, packed, c.ref.slot) : undefined;
      }
      if (record && matches(record, by) && runObjects.has(record.runId)) found.push({ at: c.at, tie: c.tie, record });
    }
  }
  const runInfo = await runsOf(
    db,
    workspaceId,
    found.map((f) => f.record.runId),
  );
  return found
    .filter((f) => runInfo.has(f.record.runId))
    .slice(0, limit)
    .map((f) => ({ ...f, run: runInfo.get(f.record.runId)! }));
}

/** The runs named by `ids` in the workspace, each by its id. */
export function runsOfQuery(db: Db, workspaceId: string, ids: string[]) {
  return db
    .select({
      id: runs.id,
      direction: runs.direction,
      objectType: runs.objectType,
      salesforceObject: runs.salesforceObject,
      kind: runs.kind,
      startedAt: runs.startedAt,
      status: runs.status,
      note: runs.note,
    })
    .from(runs)
    .where(
      and(
        sql`${runs.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
        // Unary + keeps the workspace's indexes out of the plan: with one, SQLite walked every run of the workspace.
        sql`+${runs.workspaceId} = ${workspaceId}`,
      ),
    );
}

async function runsOf(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, RunInfo>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await runsOfQuery(db, workspaceId, unique).all();
  return new Map(rows.map((r) => [r.id, r]));
}

function safePacked(text: string) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && Number.isSafeInteger(value.q) ? value : null;
  } catch {
    return null;
  }
}

export { tieOf };
