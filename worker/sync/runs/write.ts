import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import type { ObjectType } from "../objects";
import { layoutPages, type Page } from "./pages";
import type { RunRecordInput } from "./records";

// Writing a run's records: each page of them is one run_pages row; then the records that must stay
// findable on their own get a row in run_records. Which ones is decided in SQL, after the batch's
// entity writes, from what the Conversion records hold: a success whose ref (history.ts) its
// Conversion record holds — and, for a record with an email, the contact with that email — is found
// through them; anything else (skipped, failed, deleted, moved, or a Conversion record that did not
// take the ref) keeps a row, so no record ever becomes unfindable whatever the caller attached.
// The one exception is a record the caller settled (RecordWritesPlan.settled): proven findable
// through a row the same batch inserts, so checking it in SQL (per record, two lookups and a search
// of the history text) would only confirm it; a settled record with an extra is still checked.

/** Which Conversion table a run's records are about, by the run's object type. */
const ENTITY_TABLE: Record<ObjectType, string> = {
  contact: "contacts",
  company: "companies",
  opportunity: "opportunities",
  opportunity_contact_role: "opportunity_contact_roles",
  event: "events",
};

// D1 caps a bound value at about 2 MB; one statement's pages together stay well below it.
const MAX_PARAM_BYTES = 900_000;

export interface RunWrite {
  workspaceId: string;
  runId: string;
  /** The run's Salesforce object: its records are stored without naming it. */
  salesforceObject: string;
  objectType: ObjectType;
  /** When the records are written (the page's time in record history). */
  at: string;
}

/** A record that keeps a row whatever its Conversion record holds, and what the row carries. */
export interface RowExtra {
  /** Refs of the Conversion record it left (a delete, a move): its older history stays reachable. */
  history?: string | null;
  /** The email the row is found by, when the contact's email changed with this record (the old one). */
  email?: string | null;
}

/** What the caller knows beyond the records themselves. */
export interface RecordWritesPlan {
  /** Records that keep a row whatever their Conversion record holds, by seq, and what it carries. */
  extras?: ReadonlyMap<number, RowExtra>;
  /** layoutPages' pages of exactly these records, when the caller has them. */
  laidOut?: Page[];
  /**
   * Seqs of records the same batch's entity inserts make findable for certain (inbound/history.ts
   * findableWithoutRow): they skip the check in SQL. Every other record is checked there.
   */
  settled?: ReadonlySet<number>;
}

/**
 * The statements writing `records` (in seq order) of one run: its pages, then the rows. Goes in the
 * D1 batch after the entity writes that carry the records' refs.
 */
export function runRecordWrites(db: Db, w: RunWrite, records: RunRecordInput[], plan: RecordWritesPlan = {}) {
  if (!records.length) return [];
  // `laidOut`: these very records already cut into pages (a page's history refs were placed with them).
  const pages = plan.laidOut ?? layoutPages(records, w.salesforceObject).pages;
  const { extras, settled } = plan;
  const unsettled = settled?.size
    ? (r: RunRecordInput) => !settled.has(r.seq) || (extras?.has(r.seq) ?? false)
    : undefined;
  const checked = unsettled ? pages.filter((p) => p.records.some(unsettled)) : pages;
  const rows = checked.length ? [rowStatement(db, w, checked, extras, unsettled)] : [];
  return [...pageStatements(db, w, pages), ...rows];
}

// A page's counts, from the very records its row holds (counts always equal records).
function pageCounts(page: Page): number[] {
  const n = [0, 0, 0, 0, 0];
  for (const r of page.records) {
    if (r.status === "skipped") n[3]!++;
    else if (r.status === "failed") n[4]!++;
    else if (r.action === "created") n[0]!++;
    else if (r.action === "updated") n[1]!++;
    else if (r.action === "deleted") n[2]!++;
  }
  return n;
}

// Page rows per statement: 11 bound values each, within D1's 100 per statement.
const PAGES_PER_STATEMENT = 9;

function pageStatements(db: Db, w: RunWrite, pages: Page[]) {
  // Each page's records bound as their own text value: nested in one JSON parameter they were
  // escaped by JSON.stringify and unescaped again by SQLite, ~0.7 MB a 2,000-record page.
  const groups: { page: Page; text: string }[][] = [];
  let group: { page: Page; text: string }[] = [];
  let size = 0;
  for (const page of pages) {
    const text = page.text;
    if (group.length && (group.length >= PAGES_PER_STATEMENT || size + text.length > MAX_PARAM_BYTES)) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push({ page, text });
    size += text.length;
  }
  if (group.length) groups.push(group);
  return groups.map((g) => {
    const rows = g.map(({ page, text }) => {
      const [created, updated, deleted, skipped, failed] = pageCounts(page);
      return sql`(${w.workspaceId}, ${w.runId}, ${page.firstSeq}, ${page.lastSeq}, ${w.at},
        ${created}, ${updated}, ${deleted}, ${skipped}, ${failed}, ${text})`;
    });
    return db.run(sql`
      INSERT INTO run_pages (workspace_id, run_id, first_seq, last_seq, created_at,
        created, updated, deleted, skipped, failed, records)
      VALUES ${sql.join(rows, sql`, `)}
      ON CONFLICT (workspace_id, run_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq,
        created_at = excluded.created_at, created = excluded.created, updated = excluded.updated,
        deleted = excluded.deleted, skipped = excluded.skipped, failed = excluded.failed,
        records = excluded.records`);
  });
}

function rowStatement(
  db: Db,
  w: RunWrite,
  pages: Page[],
  extras?: ReadonlyMap<number, RowExtra>,
  unsettled?: (r: RunRecordInput) => boolean,
) {
  const entity = sql.raw(ENTITY_TABLE[w.objectType]);
  const extra = JSON.stringify(
    [...(extras ?? new Map<number, RowExtra>()).entries()].map(([q, x]) => ({
      q,
      h: x.history ?? null,
      e: x.email ?? null,
    })),
  );
  // Only the records not settled by the caller: all of them when it settled none.
  const only = unsettled
    ? sql`AND (j.value ->> 'q') IN (SELECT value FROM json_each(${JSON.stringify(
        pages.flatMap((p) => p.records.filter(unsettled).map((r) => r.seq)),
      )}))`
    : sql``;
  // The ref as history.ts builds it, quoted as it appears in a `history` JSON array.
  const ref = sql`'"' || ${String(Date.parse(w.at))} || '.' || p.run_id || '.' || p.first_seq || '.' || j.key || '.' || (j.value ->> 'q') || '"'`;
  const key = sql`coalesce(j.value ->> 'k', j.value ->> 's', 'row-' || (j.value ->> 'q'))`;
  return db.run(sql`
    INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object,
      conversion_id, label, email, action, status, reason_code, reason_detail, sf_status_code, sf_message, sf_fields,
      external_created_at, external_updated_at, changes, outbox_id, created_at, paged, history)
    SELECT p.run_id || ':' || ${key}, p.workspace_id, p.run_id, ${key}, j.value ->> 'q', j.value ->> 's',
      coalesce(j.value ->> 'so', ${w.salesforceObject}), j.value ->> 'c', coalesce(j.value ->> 'l', ''),
      coalesce(x.value ->> 'e', j.value ->> 'e'), j.value ->> 'a', coalesce(j.value ->> 't', 'success'),
      j.value ->> 'r', j.value ->> 'd', j.value ->> '$.x[0]', j.value ->> '$.x[1]', j.value -> '$.x[2]',
      j.value ->> 'ct', j.value ->> 'ut', coalesce(j.value -> 'g', '[]'), j.value ->> 'o', p.created_at, 1,
      x.value ->> 'h'
    FROM run_pages AS p, json_each(p.records) AS j LEFT JOIN json_each(${extra}) AS x ON x.value ->> 'q' = j.value ->> 'q'
    WHERE p.workspace_id = ${w.workspaceId} AND p.run_id = ${w.runId}
      AND p.first_seq IN (SELECT value FROM json_each(${JSON.stringify(pages.map((p) => p.firstSeq))})) ${only}
      AND (j.value ->> 't' IS NOT NULL OR x.value IS NOT NULL OR NOT (
        j.value ->> 'a' IN ('created', 'updated')
        AND EXISTS (SELECT 1 FROM ${entity} AS e WHERE e.workspace_id = p.workspace_id AND e.id = j.value ->> 'c'
          AND e.salesforce_id IS j.value ->> 's' AND instr(e.history, ${ref}) > 0)
        AND (j.value ->> 'e' IS NULL OR EXISTS (SELECT 1 FROM contacts AS pc WHERE pc.workspace_id = p.workspace_id
          AND pc.email = j.value ->> 'e' AND instr(pc.history, ${ref}) > 0))))
    ON CONFLICT (run_id, record_key) DO UPDATE SET seq = excluded.seq, salesforce_id = excluded.salesforce_id,
      conversion_id = excluded.conversion_id, label = excluded.label, email = excluded.email,
      action = excluded.action, status = excluded.status, reason_code = excluded.reason_code,
      reason_detail = excluded.reason_detail, sf_status_code = excluded.sf_status_code,
      sf_message = excluded.sf_message, sf_fields = excluded.sf_fields,
      external_created_at = excluded.external_created_at, external_updated_at = excluded.external_updated_at,
      changes = excluded.changes, outbox_id = excluded.outbox_id, created_at = excluded.created_at,
      paged = 1, history = excluded.history`);
}
