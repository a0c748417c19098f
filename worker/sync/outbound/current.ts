import type { SalesforceClient } from "../../salesforce";
import { isEmptyValue } from "./fields";
import type { Planned, PushObject } from "./plan";

type Write = Extract<Planned, { kind: "write" }>;

/** Ids per SOQL query: keeps the GET URL far below Salesforce's 16 KB limit. */
const IDS_PER_QUERY = 300;
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export type CurrentValues = Map<string, Record<string, unknown>>;

/**
 * Reads Salesforce's current values of the `if_empty` fields, for the updates that have any: one
 * query per object (`Id IN (...)`), so write rules cost one call per run, not one per record.
 */
export async function readCurrentValues(sf: SalesforceClient, writes: Write[]): Promise<CurrentValues> {
  const wanted = new Map<PushObject, { ids: Set<string>; fields: Set<string> }>();
  for (const w of writes) {
    if (w.mode !== "update" || !w.salesforceId || !SALESFORCE_ID.test(w.salesforceId)) continue;
    const ifEmpty = w.fields.filter((f) => f.ifEmpty);
    if (!ifEmpty.length) continue;
    const entry = wanted.get(w.object) ?? { ids: new Set(), fields: new Set() };
    entry.ids.add(w.salesforceId);
    for (const f of ifEmpty) entry.fields.add(f.field);
    wanted.set(w.object, entry);
  }
  const current: CurrentValues = new Map();
  for (const [object, { ids, fields }] of wanted) {
    const all = [...ids];
    for (let i = 0; i < all.length; i += IDS_PER_QUERY) {
      const list = all
        .slice(i, i + IDS_PER_QUERY)
        .map((id) => `'${id}'`)
        .join(", ");
      const soql = `SELECT Id, ${[...fields].join(", ")} FROM ${object} WHERE Id IN (${list})`;
      for await (const page of sf.queryPages(soql)) {
        for (const r of page.records) if (typeof r.Id === "string") current.set(r.Id, r);
      }
    }
  }
  return current;
}

/**
 * Applies `if_empty`: a field Salesforce already has a value for is dropped. When Salesforce's
 * value is unknown (the record was not found) the field is kept and the write reports what happened.
 */
export function applyWriteRules(write: Write, current: CurrentValues): Write {
  const known = write.salesforceId ? current.get(write.salesforceId) : undefined;
  if (!known) return write;
  return { ...write, fields: write.fields.filter((f) => !f.ifEmpty || isEmptyValue(known[f.field])) };
}
