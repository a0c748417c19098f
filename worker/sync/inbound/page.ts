import { and, eq } from "drizzle-orm";
import type { Db } from "../../db";
import { runRecords } from "../../db/schema";
import { isoNow, parseSalesforceDate } from "../../lib/time";
import type { Settings } from "../../settings";
import { inJson } from "../entities";
import type { SalesforceObjectSpec } from "../objects";
import type { RunRecordInput } from "../runs";
import type { Page } from "../runs/pages";
import { type RowExtra, type RunWrite, runRecordWrites } from "../runs/write";
import { CLASSIFIERS, inboundMappings, loadPendingEdits, type PageContext } from "./classify";
import { attachHistory, findableWithoutRow } from "./history";
import { loadPageSets } from "./lookups";
import { type RecordHead, readHead, readId, type SalesforceRecord, text, type Verdict } from "./record";
import type { WindowStart } from "./window";

export interface PageResult {
  /** Run records for everything but unchanged records. */
  records: RunRecordInput[];
  /** Entity writes for the page (with the records' history refs), to go in the same D1 batch as the run records. */
  statements: ReturnType<PageContext["sets"]["contacts"]["statements"]>;
  /** (SystemModstamp, Id) of the last record read: where the next window starts. */
  last: { stamp: string; id: string } | null;
  /** Where the records go: pass to pageWrites. */
  write: RunWrite;
  /** Records that keep a row carrying what their Conversion record left behind. */
  extras: Map<number, RowExtra>;
  /** `records` cut into run pages (layoutPages), once: the refs were placed with it and the write reuses it. */
  pages: Page[];
  /** Seqs of records the page's own inserts make findable in history: they need no run_records row (history.ts). */
  settled: Set<number>;
}

/** A page classified for one run: the context, and the run its records belong to. */
export type PageBase = Omit<PageContext, "sets" | "pending"> & { runId: string };

/** The page's statements for one D1 batch: entity writes, then its records (and `more`, e.g. ones Salesforce no longer returns). */
export function pageWrites(db: Db, page: PageResult, more: RunRecordInput[] = [], moreExtras?: Map<number, RowExtra>) {
  const extras = moreExtras ? new Map([...page.extras, ...moreExtras]) : page.extras;
  // Records added after the page was laid out are laid out with it again (appending never moves a place).
  const laidOut = more.length ? undefined : page.pages;
  return [
    ...page.statements,
    ...runRecordWrites(db, page.write, [...page.records, ...more], { extras, laidOut, settled: page.settled }),
  ];
}

function labelOf(r: SalesforceRecord): string {
  // Without an array and a join per record: "First Last", or whichever of the two is text.
  const first = text(r, "FirstName");
  const lastName = text(r, "LastName");
  const given = typeof first === "string" ? first : null;
  const family = typeof lastName === "string" ? lastName : null;
  const name = given && family ? `${given} ${family}` : (given ?? family ?? "");
  const email = text(r, "Email") ?? text(r, "Email__c");
  const named = text(r, "Name") ?? text(r, "Event_Name__c") ?? text(r, "Role");
  if (name && email) return `${name} <${email}>`;
  return (name || email || named || (typeof r.Id === "string" ? r.Id : "")) as string;
}

/** What every page of one object's read shares (batch, retry, reconciliation): the workspace, the object, its settings. */
export function pageBase(
  workspaceId: string,
  salesforceObject: string,
  spec: SalesforceObjectSpec,
  settings: Settings,
  runId: string,
): PageBase {
  const writeMode = settings.objects[salesforceObject]?.writeMode ?? "create_or_update";
  return { runId, workspaceId, salesforceObject, spec, settings, writeMode };
}

/**
 * Classifies one page of Salesforce records and prepares its writes. Nothing is written here:
 * the caller commits these statements with the run's progress and the watermark in one batch.
 */
export async function preparePage(
  db: Db,
  { runId, ...base }: PageBase,
  records: SalesforceRecord[],
  firstSeq: number,
  seenUpTo: WindowStart = null,
): Promise<PageResult> {
  const emailField =
    inboundMappings(base.settings, "contact").find((m) => m.conversionField === "email")?.salesforceField ?? "Email";
  const sets = await loadPageSets(db, base.workspaceId, base.spec.kind, records, emailField);
  const kind = base.spec.kind;
  const people = kind === "lead" || kind === "contact";
  const pending =
    people || kind === "account"
      ? await loadPendingEdits(
          db,
          base.workspaceId,
          people ? "contact" : "company",
          people ? sets.contacts : sets.companies,
        )
      : new Map();
  const ctx: PageContext = { ...base, sets, pending };
  const classify = CLASSIFIERS[base.spec.kind];
  const out: RunRecordInput[] = [];
  let last: PageResult["last"] = null;
  const reread = new Set<RunRecordInput>();

  records.forEach((record, i) => {
    const head = readHead(record);
    let verdict: Verdict;
    if (!head.id) verdict = { outcome: "skip", code: "missing_external_id" };
    else if (!head.stamp)
      verdict = { outcome: "fail", code: "invalid_timestamp", detail: "SystemModstamp is missing or not a date" };
    else if (record.attributes?.type && record.attributes.type !== base.salesforceObject) {
      // Nothing in the engine expects this; say so rather than guess how to apply it.
      verdict = {
        outcome: "fail",
        code: "unknown_error",
        detail: `Salesforce returned a ${record.attributes.type} record in a ${base.salesforceObject} query`,
      };
    } else {
      last = later(last, { stamp: head.stamp, id: head.id });
      try {
        // The head itself (its id and stamp are checked above), not a copy of it per record.
        verdict = classify(record, head as RecordHead & { id: string; stamp: string }, ctx);
      } catch (err) {
        verdict = { outcome: "fail", code: "unknown_error", detail: err instanceof Error ? err.message : String(err) };
      }
    }
    if (verdict.outcome === "unchanged") return;
    const success = verdict.outcome === "write" || verdict.outcome === "delete";
    const conversionId = verdict.outcome === "write" || verdict.outcome === "delete" ? verdict.conversionId : null;
    const problem = verdict.outcome === "skip" || verdict.outcome === "fail" ? verdict : null;
    const entry: RunRecordInput = {
      key: head.id ?? `row-${firstSeq + i}`,
      seq: firstSeq + i,
      salesforceId: head.id,
      salesforceObject: base.salesforceObject,
      conversionId,
      label: labelOf(record),
      email: (text(record, emailField) ?? text(record, "Email__c"))?.toLowerCase() ?? null,
      action: verdict.outcome === "write" ? verdict.action : verdict.outcome === "delete" ? "deleted" : null,
      status: success ? "success" : verdict.outcome === "skip" ? "skipped" : "failed",
      reasonCode: problem?.code ?? null,
      reasonDetail: problem?.detail ?? null,
      externalCreatedAt: head.createdAt,
      externalUpdatedAt: head.updatedAt,
      changes:
        verdict.outcome === "write" ? verdict.changes : verdict.outcome === "delete" ? (verdict.changes ?? []) : [],
    };
    out.push(entry);
    if (problem && head.id && head.stamp && atOrBefore({ stamp: head.stamp, id: head.id }, seenUpTo)) reread.add(entry);
  });
  const alreadyReported = await reportedBefore(db, base.workspaceId, [...reread]);
  const kept = out.filter((r) => !alreadyReported.has(r));
  const write: RunWrite = {
    workspaceId: base.workspaceId,
    runId,
    salesforceObject: base.salesforceObject,
    objectType: base.spec.objectType,
    at: isoNow(),
  };
  const { extras, pages, places } = attachHistory(ctx, kept, write);
  const statements = Object.values(ctx.sets).flatMap((set) => set.statements(db));
  const settled = findableWithoutRow(ctx, kept, places, write, extras);
  return { records: kept, statements, last, write, extras, pages, settled };
}

/** The later of two window points; a damaged stamp on the wire must never move a watermark back. */
export function later(a: WindowStart, b: WindowStart): WindowStart {
  if (!a) return b;
  if (!b) return a;
  return b.stamp > a.stamp || (b.stamp === a.stamp && b.id > a.id) ? b : a;
}

function atOrBefore(a: { stamp: string; id: string }, b: WindowStart): boolean {
  return b !== null && (a.stamp < b.stamp || (a.stamp === b.stamp && a.id <= b.id));
}

/**
 * A look-back re-reads records an earlier run already explained. The same skip or failure for the
 * same Salesforce version was reported then; reporting it again would only repeat it.
 */
async function reportedBefore(db: Db, workspaceId: string, candidates: RunRecordInput[]): Promise<Set<RunRecordInput>> {
  if (!candidates.length) return new Set();
  const rows = await db
    .select({
      salesforceId: runRecords.salesforceId,
      updatedAt: runRecords.externalUpdatedAt,
      status: runRecords.status,
      reason: runRecords.reasonCode,
    })
    .from(runRecords)
    .where(
      and(
        eq(runRecords.workspaceId, workspaceId),
        inJson(
          runRecords.salesforceId,
          candidates.map((c) => c.salesforceId!),
        ),
      ),
    )
    .all();
  // The same version with the same outcome: LastModifiedDate alone is not enough, since two edits
  // within one second share it.
  const key = (id: string | null, updatedAt: string | null, status: string, reason: string | null) =>
    `${id}|${updatedAt}|${status}|${reason}`;
  const seen = new Set(rows.map((r) => key(r.salesforceId, r.updatedAt, r.status, r.reason)));
  return new Set(candidates.filter((c) => seen.has(key(c.salesforceId, c.externalUpdatedAt, c.status, c.reasonCode))));
}

/** The (SystemModstamp, Id) the page ends at, read as preparePage reads it. */
export function lastOf(records: Record<string, unknown>[]): WindowStart {
  let last: WindowStart = null;
  for (const r of records) {
    // Only what the window needs: the id and the stamp (not the record's other dates).
    const id = readId(r);
    const stamp = id ? parseSalesforceDate(r.SystemModstamp) : null;
    if (id && stamp) last = later(last, { stamp, id });
  }
  return last;
}
