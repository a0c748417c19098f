import { type SalesforceRecord, text, wasRead } from "../record";
import { type Classifier, excludedByRule, inboundMappings, type PageContext } from "./context";
import { settleRemoval } from "./merge";
import { withoutPendingEdits } from "./pending";
import { gate, nextRow, settle } from "./settle";

const COMPANY_FIELDS = ["name", "domain", "industry"] as const;

/** A website as Salesforce admins type it ("https://www.acme.com/about") reduced to its domain. */
export function domainOf(website: string | null): string | null {
  if (!website) return null;
  const host = website
    .replace(/^[a-z]+:\/\//i, "")
    .split(/[/?#]/)[0]!
    .toLowerCase()
    .replace(/^www\./, "");
  return host || null;
}

function mapped(record: SalesforceRecord, ctx: PageContext): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  for (const m of inboundMappings(ctx.settings, "company")) {
    // Not read (field-level security hides it from the integration user): Conversion keeps its value.
    if (!wasRead(record, m.salesforceField)) continue;
    const value = text(record, m.salesforceField);
    if (value === undefined) return undefined;
    out[m.conversionField] = m.conversionField === "domain" ? domainOf(value) : value;
  }
  return out;
}

/** Accounts become Conversion companies, matched by Salesforce id. */
export const classifyAccount: Classifier = (record, head, ctx) => {
  const companies = ctx.sets.companies;
  const linked = companies.bySalesforceId.get(head.id) ?? null;
  if (head.deleted) return settleRemoval(companies, linked, record);
  if (excludedByRule(record, ctx)) return { outcome: "skip", code: "do_not_sync" };
  const values = mapped(record, ctx);
  if (!values) return { outcome: "fail", code: "malformed_data", detail: "A mapped field is not text" };
  const name = values.name ?? text(record, "Name");
  if (!name) return { outcome: "fail", code: "malformed_data", detail: "The Account has no Name" };
  const blocked = gate(ctx, linked, head);
  if (blocked) return blocked;
  const fromSalesforce = withoutPendingEdits(ctx, "company", linked, { ...values, name }, record);
  return settle(companies, linked, nextRow(ctx, linked, "co", head, fromSalesforce), COMPANY_FIELDS);
};
