import { and, eq } from "drizzle-orm";
import type { Db } from "../../db";
import { runRecords } from "../../db/schema";
import type { Settings } from "../../settings";
import type { SalesforceObjectSpec } from "../objects";
import type { RunRecordInput } from "../runs";
import { CLASSIFIERS, inboundMappings, loadPendingEdits, type PageContext } from "./classify";
import { inJson } from "./entities";
import { loadPageSets } from "./lookups";
import { readHead, type SalesforceRecord, text, type Verdict } from "./record";
import type { WindowStart } from "./window";

export interface PageResult {
  /** Run records for everything but unchanged records. */
  records: RunRecordInput[];
  /** Entity writes for the page, to go in the same D1 batch as the run records. */
  statements: ReturnType<PageContext["sets"]["contacts"]["statements"]>;
  /** (SystemModstamp, Id) of the last record read: where the next window starts. */
  last: { stamp: string; id: string } | null;
}

function labelOf(r: SalesforceRecord): string {
  const name = [text(r, "FirstName"), text(r, "LastName")].filter((v) => typeof v === "string").join(" ");
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
): Omit<PageContext, "sets" | "pending"> {
  const writeMode = settings.objects[salesforceObject]?.writeMode ?? "create_or_update";
  return { workspaceId, salesforceObject, spec, settings, writeMode };
}

/**
 * Classifies one page of Salesforce records and prepares its writes. Nothing is written here:
 * the caller commits these statements with the run's progress and the watermark in one batch.
 */
export async function preparePage(
  db: Db,
  base: Omit<PageContext, "sets" | "pending">,
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
        verdict = classify(record, { ...head, id: head.id, stamp: head.stamp }, ctx);
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

  const statements = Object.values(ctx.sets).flatMap((set) => set.statements(db));
  return { records: out.filter((r) => !alreadyReported.has(r)), statements, last };
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
