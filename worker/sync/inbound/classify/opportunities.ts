import { onlyRead, text, wasRead } from "../record";
import { type Classifier, excludedByRule } from "./context";
import { gate, nextRow, settle, settleDelete } from "./settle";

const OPPORTUNITY_FIELDS = ["name", "stageName", "amount", "closeDate", "companyId"] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Opportunities keep their account as the Conversion company. */
export const classifyOpportunity: Classifier = (record, head, ctx) => {
  const set = ctx.sets.opportunities;
  const linked = set.bySalesforceId.get(head.id) ?? null;
  if (head.deleted) return settleDelete(set, linked);
  if (excludedByRule(record, ctx)) return { outcome: "skip", code: "do_not_sync" };
  // A field the integration user cannot read is unknown: the opportunity keeps what it has.
  const name = wasRead(record, "Name") ? text(record, "Name") : ((linked?.name as string | undefined) ?? null);
  const stageName = text(record, "StageName");
  const closeDate = text(record, "CloseDate");
  const amount = record.Amount ?? null;
  if (!name || stageName === undefined || closeDate === undefined || (amount !== null && typeof amount !== "number")) {
    return { outcome: "fail", code: "malformed_data", detail: "Name is missing or a field has the wrong type" };
  }
  if (closeDate && !DATE.test(closeDate))
    return { outcome: "fail", code: "invalid_timestamp", detail: `CloseDate '${closeDate}' is not a date` };
  const accountId = wasRead(record, "AccountId") ? text(record, "AccountId") : null;
  const company = accountId ? ctx.sets.companies.bySalesforceId.get(accountId) : null;
  if (accountId && !company)
    return { outcome: "skip", code: "no_account_association", detail: `Account ${accountId} is not in Conversion` };
  const blocked = gate(ctx, linked, head);
  if (blocked) return blocked;
  const values = onlyRead(
    record,
    linked,
    { name, stageName, amount, closeDate, companyId: company?.id ?? null },
    { stageName: "StageName", amount: "Amount", closeDate: "CloseDate", companyId: "AccountId" },
  );
  const next = nextRow(ctx, linked, "op", head, values);
  return settle(set, linked, next, OPPORTUNITY_FIELDS);
};
