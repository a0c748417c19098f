import { onlyRead, text } from "../record";
import { type Classifier, excludedByRule } from "./context";
import { gate, nextRow, settle, settleDelete } from "./settle";

const ROLE_FIELDS = ["opportunityId", "contactId", "role", "isPrimary"] as const;

/** Contact roles link a Conversion contact to a Conversion opportunity; both must exist. */
export const classifyRole: Classifier = (record, head, ctx) => {
  const set = ctx.sets.roles;
  const linked = set.bySalesforceId.get(head.id) ?? null;
  if (head.deleted) return settleDelete(set, linked);
  if (excludedByRule(record, ctx)) return { outcome: "skip", code: "do_not_sync" };
  const opportunitySfId = text(record, "OpportunityId");
  const contactSfId = text(record, "ContactId");
  const role = text(record, "Role");
  if (opportunitySfId === undefined || contactSfId === undefined || role === undefined) {
    return { outcome: "fail", code: "malformed_data", detail: "OpportunityId, ContactId or Role has the wrong type" };
  }
  if (!contactSfId) return { outcome: "skip", code: "missing_identifier", detail: "The contact role names no contact" };
  const opportunity = opportunitySfId ? ctx.sets.opportunities.bySalesforceId.get(opportunitySfId) : null;
  if (!opportunity)
    return {
      outcome: "skip",
      code: "opportunity_not_found",
      detail: `Opportunity ${opportunitySfId ?? "(none)"} is not in Conversion`,
    };
  const contact = ctx.sets.contacts.bySalesforceId.get(contactSfId);
  if (!contact)
    return { outcome: "skip", code: "contact_not_found", detail: `Contact ${contactSfId} is not in Conversion` };
  const blocked = gate(ctx, linked, head);
  if (blocked) return blocked;
  // A field the integration user cannot read is unknown: the role keeps what it has.
  const values = onlyRead(
    record,
    linked,
    { opportunityId: opportunity.id, contactId: contact.id, role, isPrimary: record.IsPrimary === true },
    { role: "Role", isPrimary: "IsPrimary" },
  );
  const next = nextRow(ctx, linked, "ocr", head, values);
  return settle(set, linked, next, ROLE_FIELDS);
};
