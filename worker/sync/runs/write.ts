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

/** Which Conversion table a run's records are about, by the run's object type. */
const ENTITY_TABLE: Record<ObjectType, string> = {
  contact: "contacts",
  company: "companies",
  opportunity: "opportunities",
  opportunity_contact_role: "opportunity_contact_roles",
  event: "events",
};

// D1 caps a bound value at about 2 MB; one statement's pages stay well below it.
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

/**
 * The statements writing `records` (in seq order) of one run: its pages, then the rows. Goes in the
 * D1 batch after the entity writes that carry the records' refs. `laidOut` is layoutPages' pages of
 * exactly these records, when the caller has them.
 */
export function runRecordWrites(
  db: Db,
  w: RunWrite,
  records: RunRecordInput[],
  extras?: Map<number, RowExtra>,
  laidOut?: Page[],
) {
  if (!records.length) return [];
  // `laidOut`: these very records already cut into pages (a page's history refs were placed with them).
  const pages = laidOut ?? layoutPages(records, w.salesforceObject).pages;
  return [...pageStatements(db, w, pages), rowStatement(db, w, pages, extras)];
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

function pageStatements(db: Db, w: RunWrite, pages: Page[]) {
  // Each page as [first, last, created, updated, deleted, skipped, failed, records-as-text]: the
  // records travel as one JSON string, so SQLite parses the outer array once and copies the text
  // (reading them with json_each per record re-parsed the whole page per record: seconds a page).
  const groups: string[][] = [];
  let group: string[] = [];
  let size = 2;
  for (const page of pages) {
    const text = JSON.stringify([page.firstSeq, page.lastSeq, ...pageCounts(page), `[${page.texts.join(",")}]`]);
    if (group.length && size + text.length > MAX_PARAM_BYTES) {
      groups.push(group);
      group = [];
      size = 2;
    }
    group.push(text);
    size += text.length + 1;
  }
  if (group.length) groups.push(group);
  return groups.map((g) =>
    db.run(sql`
      INSERT INTO run_pages (workspace_id, run_id, first_seq, last_seq, created_at,
        created, updated, deleted, skipped, failed, records)
      SELECT ${w.workspaceId}, ${w.runId}, j.value ->> 0, j.value ->> 1, ${w.at},
        j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7
      FROM json_each(${`[${g.join(",")}]`}) AS j WHERE true
      ON CONFLICT (workspace_id, run_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq,
        created_at = excluded.created_at, created = excluded.created, updated = excluded.updated,
        deleted = excluded.deleted, skipped = excluded.skipped, failed = excluded.failed,
        records = excluded.records`),
  );
}

function rowStatement(db: Db, w: RunWrite, pages: Page[], extras?: Map<number, RowExtra>) {
  const entity = sql.raw(ENTITY_TABLE[w.objectType]);
  const extra = JSON.stringify(
    [...(extras ?? new Map<number, RowExtra>()).entries()].map(([q, x]) => ({
      q,
      h: x.history ?? null,
      e: x.email ?? null,
    })),
  );
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
      AND p.first_seq IN (SELECT value FROM json_each(${JSON.stringify(pages.map((p) => p.firstSeq))}))
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
