import type { EntityRow } from "../../entities";
import { NOT_PROVIDED } from "../../objects";
import { normaliseEmail, type SalesforceRecord, text, type Verdict, wasRead } from "../record";
import { type Classifier, excludedByRule, inboundMappings, type PageContext } from "./context";
import { relink, settleRemoval } from "./merge";
import { withoutPendingEdits } from "./pending";
import { gate, nextRow, settle } from "./settle";

const CONTACT_FIELDS = ["email", "firstName", "lastName", "title", "phone", "userId", "companyId"] as const;

/** Conversion field values from the record through the inbound mappings; undefined = wrong type. */
function mapped(record: SalesforceRecord, ctx: PageContext): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  for (const m of inboundMappings(ctx.settings, "contact")) {
    if (m.conversionField === "email") continue;
    // Not read (field-level security hides it from the integration user): Conversion keeps its value.
    if (!wasRead(record, m.salesforceField)) continue;
    const value = text(record, m.salesforceField);
    if (value === undefined) return undefined;
    out[m.conversionField] = value === NOT_PROVIDED ? null : value;
  }
  return out;
}

function emailField(ctx: PageContext): string {
  return (
    inboundMappings(ctx.settings, "contact").find((m) => m.conversionField === "email")?.salesforceField ?? "Email"
  );
}

/** Leads and Contacts both become Conversion contacts, matched by Salesforce id, then by email. */
export const classifyPerson: Classifier = (record, head, ctx) => {
  const contacts = ctx.sets.contacts;
  const linked = contacts.bySalesforceId.get(head.id) ?? null;
  if (head.deleted) return settleRemoval(contacts, linked, record);
  if (ctx.spec.kind === "lead" && (record.IsConverted === true || record.IsConverted === "true"))
    return convertedLead(record, linked, ctx);
  if (excludedByRule(record, ctx)) return { outcome: "skip", code: "do_not_sync" };

  const rawEmail = text(record, emailField(ctx));
  if (rawEmail === undefined)
    return { outcome: "fail", code: "malformed_data", detail: `${emailField(ctx)} is not text` };
  if (rawEmail === null) return { outcome: "skip", code: "missing_email" };
  const email = normaliseEmail(rawEmail);
  if (!email) return { outcome: "skip", code: "invalid_email" };
  const values = mapped(record, ctx);
  if (!values) return { outcome: "fail", code: "malformed_data", detail: "A mapped field is not text" };

  // undefined: the contact keeps its company (a Lead has none to give, a hidden AccountId is unknown).
  let companyId: string | null | undefined;
  if (ctx.spec.kind === "contact" && wasRead(record, "AccountId")) {
    const accountId = text(record, "AccountId");
    if (accountId) {
      const company = ctx.sets.companies.bySalesforceId.get(accountId);
      if (!company)
        return { outcome: "skip", code: "no_account_association", detail: `Account ${accountId} is not in Conversion` };
      companyId = company.id;
    } else companyId = null;
  }

  const byEmail = contacts.byEmail.get(email) ?? null;
  if (linked && byEmail && byEmail.id !== linked.id) {
    return { outcome: "skip", code: "conflicting_identifier", detail: `${email} already belongs to another contact` };
  }
  const existing = linked ?? byEmail;
  // A contact already linked to a Salesforce Contact is that Contact's; a Lead with the same email is a stale duplicate.
  if (existing && !linked && ctx.spec.kind === "lead" && existing.salesforceObject === "Contact") {
    return {
      outcome: "skip",
      code: "conflicting_identifier",
      detail: `${email} belongs to a Conversion contact synced from Salesforce Contact ${existing.salesforceId}; a Lead with the same email is not applied over it. Convert or merge the Lead in Salesforce if it is the same person`,
    };
  }
  const blocked = gate(ctx, existing, head);
  if (blocked) return blocked;
  // `values` is this record's own (mapped() made it; it has no email): completed in place rather
  // than copied by spreads twice a record.
  values.email = email;
  if (companyId !== undefined) values.companyId = companyId;
  const fromSalesforce = withoutPendingEdits(ctx, "contact", existing, values, record);
  // A mapped userId wins; otherwise the contact keeps its own.
  if (!Object.hasOwn(fromSalesforce, "userId")) fromSalesforce.userId = (existing?.userId as string | null) ?? null;
  fromSalesforce.salesforceObject = ctx.salesforceObject;
  const next = nextRow(ctx, existing, "ct", head, fromSalesforce);
  return settle(contacts, existing, next, CONTACT_FIELDS);
};

/**
 * A converted Lead: the Conversion contact it had moves to the Contact it became (same contact,
 * history and all), so the Contact updates it instead of making a second one. A Lead Conversion
 * never had, or whose Contact is already another contact's, is skipped with the catalogue's reason (reasons.ts).
 */
function convertedLead(record: SalesforceRecord, linked: EntityRow | null, ctx: PageContext): Verdict {
  const contactId = text(record, "ConvertedContactId");
  if (!linked || !contactId) return { outcome: "skip", code: "lead_converted" };
  const holder = ctx.sets.contacts.bySalesforceId.get(contactId);
  if (holder && holder.id !== linked.id)
    return { outcome: "skip", code: "lead_converted", detail: `Its Contact ${contactId} is already in Conversion` };
  if (holder) return { outcome: "unchanged", conversionId: linked.id };
  return relink(ctx.sets.contacts, linked, contactId, "Contact");
}
