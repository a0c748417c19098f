import type { Db } from "../../db";
import type { RunRecordInput } from "../runs";
import { CLASSIFIERS, inboundMappings, type PageContext } from "./classify";
import { loadPageSets } from "./lookups";
import { readHead, text, type SalesforceRecord, type Verdict } from "./record";

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

/**
 * Classifies one page of Salesforce records and prepares its writes. Nothing is written here:
 * the caller commits these statements with the run's progress and the watermark in one batch.
 */
export async function preparePage(db: Db, base: Omit<PageContext, "sets">, records: SalesforceRecord[], firstSeq: number): Promise<PageResult> {
  const emailField = inboundMappings(base.settings, "contact").find((m) => m.conversionField === "email")?.salesforceField ?? "Email";
  const ctx: PageContext = { ...base, sets: await loadPageSets(db, base.workspaceId, base.spec.kind, records, emailField) };
  const classify = CLASSIFIERS[base.spec.kind];
  const out: RunRecordInput[] = [];
  let last: PageResult["last"] = null;

  records.forEach((record, i) => {
    const head = readHead(record);
    let verdict: Verdict;
    if (!head.id) verdict = { outcome: "skip", code: "missing_external_id" };
    else if (!head.stamp) verdict = { outcome: "fail", code: "invalid_timestamp", detail: "SystemModstamp is missing or not a date" };
    else {
      last = { stamp: head.stamp, id: head.id };
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
    out.push({
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
      changes: verdict.outcome === "write" ? verdict.changes : [],
    });
  });

  const statements = Object.values(ctx.sets).flatMap((set) => set.statements(db));
  return { records: out, statements, last };
}
