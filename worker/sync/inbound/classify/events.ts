import { parseSalesforceDate } from "../../../lib/time";
import { normaliseEmail, onlyRead, text, wasRead } from "../record";
import { type Classifier, excludedByRule } from "./context";
import { gate, nextRow, settle, settleDelete } from "./settle";

const EVENT_FIELDS = ["name", "contactId", "occurredAt", "properties"] as const;
const MAX_PROPERTIES_BYTES = 64 * 1024;

/** Custom events attach to the contact their email or user id resolves to — one contact, not two. */
export const classifyEvent: Classifier = (record, head, ctx) => {
  const set = ctx.sets.events;
  const linked = set.bySalesforceId.get(head.id) ?? null;
  if (head.deleted) return settleDelete(set, linked);
  if (excludedByRule(record, ctx)) return { outcome: "skip", code: "do_not_sync" };
  const name = text(record, "Event_Name__c");
  const rawEmail = text(record, "Email__c");
  const userId = text(record, "User_Id__c");
  const rawProps = text(record, "Properties__c");
  if (name === undefined || rawEmail === undefined || userId === undefined || rawProps === undefined) {
    return { outcome: "fail", code: "malformed_data", detail: "An event field has the wrong type" };
  }
  // A field the integration user cannot read is unknown: a synced event keeps what it has.
  const nameKnown = wasRead(record, "Event_Name__c");
  if (!name && (nameKnown || !linked)) return { outcome: "skip", code: "missing_event_name" };
  if (!rawEmail && !userId) return { outcome: "skip", code: "missing_identifier" };

  const email = rawEmail ? normaliseEmail(rawEmail) : null;
  const byEmail = email ? ctx.sets.contacts.byEmail.get(email) : undefined;
  const byUser = userId ? ctx.sets.contacts.byUserId.get(userId) : undefined;
  if (byEmail && byUser && byEmail.id !== byUser.id) return { outcome: "skip", code: "conflicting_identifier" };
  if (byEmail && userId && byEmail.userId && byEmail.userId !== userId)
    return { outcome: "skip", code: "conflicting_identifier" };
  const contact = byEmail ?? byUser;
  if (!contact) return { outcome: "skip", code: "contact_not_found" };

  const occurredRaw = record.Occurred_At__c ?? null;
  const occurredAt = occurredRaw === null ? head.createdAt : parseSalesforceDate(occurredRaw);
  if (!occurredAt)
    return {
      outcome: "fail",
      code: "invalid_timestamp",
      detail: `Occurred_At__c '${String(occurredRaw)}' is not a date`,
    };

  let properties = "{}";
  if (rawProps) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawProps);
    } catch {
      return { outcome: "fail", code: "malformed_data", detail: "Properties__c is not valid JSON" };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { outcome: "fail", code: "malformed_data", detail: "Properties__c is not a JSON object" };
    }
    try {
      properties = JSON.stringify(parsed);
    } catch (err) {
      return {
        outcome: "fail",
        code: "encode_failed",
        detail: `Properties__c could not be stored: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (new TextEncoder().encode(properties).length > MAX_PROPERTIES_BYTES) {
      return {
        outcome: "fail",
        code: "encode_failed",
        detail: `Properties are larger than ${MAX_PROPERTIES_BYTES} bytes`,
      };
    }
  }
  const blocked = gate(ctx, linked, head);
  if (blocked) return blocked;
  const values = onlyRead(
    record,
    linked,
    { name, contactId: contact.id, occurredAt, properties },
    { name: "Event_Name__c", occurredAt: "Occurred_At__c", properties: "Properties__c" },
  );
  const next = nextRow(ctx, linked, "ev", head, values);
  return settle(set, linked, next, EVENT_FIELDS);
};
