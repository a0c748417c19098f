// Salesforce's per-record statusCode → the catalogue's outbound failure reason, code by code.
// The reason's message and explanation come from the catalogue (reasons.ts), worded exactly as the user sees them;
// `words` say what the code means for this record, shown as the reason's detail beside Salesforce's
// own error. A code not listed here is "Unknown error" and keeps Salesforce's own text as its detail.
import type { OutboundFailCode } from "./reasons";

/** One error of Salesforce's per-record answer. */
export interface SalesforceRecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

interface CodeEntry {
  reason: OutboundFailCode;
  words: (error: SalesforceRecordError) => string;
}

const named = (fields: string[], none: string) => (fields.length ? fields.join(", ") : none);
const fixed = (text: string) => () => text;

/** The table; exported so its test can walk it code by code. */
export const SALESFORCE_STATUS_CODES: Readonly<Record<string, CodeEntry>> = {
  // A converted Lead is read-only for everyone: no permission set could fix it, so it is never
  // "Insufficient permissions". The record the contact points at is no longer a writable Lead.
  CANNOT_UPDATE_CONVERTED_LEAD: {
    reason: "invalid_cross_reference",
    words: fixed("The Lead was converted to a Contact in Salesforce; converted Leads can no longer be updated."),
  },
  INVALID_FIELD_FOR_INSERT_UPDATE: {
    reason: "insufficient_permissions",
    words: (e) =>
      `The integration user cannot edit ${named(e.fields, "a field in this record")} (field-level security, or a read-only field).`,
  },
  INVALID_FIELD: {
    reason: "insufficient_permissions",
    words: (e) =>
      `Salesforce does not show ${named(e.fields, "a mapped field")} to the integration user (field-level security), or the field does not exist.`,
  },
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: {
    reason: "insufficient_permissions",
    words: fixed(
      "The integration user has no access to a record this one points at (for example its Account or owner).",
    ),
  },
  INSUFFICIENT_ACCESS_OR_READONLY: {
    reason: "insufficient_permissions",
    words: fixed("The integration user may not edit this record (sharing rules, or a read-only record)."),
  },
  INSUFFICIENT_ACCESS: {
    reason: "insufficient_permissions",
    words: fixed("The integration user may not edit this record."),
  },
  // Ids of the wrong shape or type are references that cannot resolve, never a validation rule.
  MALFORMED_ID: {
    reason: "invalid_cross_reference",
    words: (e) => `${named(e.fields, "An id")} is not a valid Salesforce id.`,
  },
  FIELD_INTEGRITY_EXCEPTION: {
    reason: "invalid_cross_reference",
    words: (e) => `${named(e.fields, "A reference")} points at a record of the wrong type.`,
  },
  INVALID_CROSS_REFERENCE_KEY: {
    reason: "invalid_cross_reference",
    words: (e) => `${named(e.fields, "A referenced record")} does not exist in Salesforce.`,
  },
  INVALID_ID_FIELD: {
    reason: "invalid_cross_reference",
    words: fixed("The record's Salesforce id is not valid for this object."),
  },
  ENTITY_IS_DELETED: {
    reason: "invalid_cross_reference",
    words: fixed("The Salesforce record, or one it references, was deleted."),
  },
  FIELD_CUSTOM_VALIDATION_EXCEPTION: {
    reason: "validation_rule_failure",
    words: (e) => (e.message ? `The rule says: ${e.message}` : "A validation rule in Salesforce rejected the values."),
  },
  // Salesforce's own email format check: the closest of the catalogue's reasons, with words saying which check.
  INVALID_EMAIL_ADDRESS: {
    reason: "validation_rule_failure",
    words: fixed("Salesforce's email address check rejected the address."),
  },
  REQUIRED_FIELD_MISSING: {
    reason: "required_field_missing",
    words: (e) => `Salesforce requires ${named(e.fields, "a field that is empty")}.`,
  },
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: {
    reason: "invalid_picklist_value",
    words: (e) => `${named(e.fields, "A picklist field")} only accepts the values defined in Salesforce.`,
  },
  BAD_VALUE_FOR_RESTRICTED_PICKLIST: {
    reason: "invalid_picklist_value",
    words: (e) => `${named(e.fields, "A picklist field")} only accepts the values defined in Salesforce.`,
  },
  STRING_TOO_LONG: {
    reason: "field_length_exceeded",
    words: (e) => `${named(e.fields, "A field")} is longer than Salesforce allows.`,
  },
  DUPLICATES_DETECTED: {
    reason: "duplicate_record",
    words: fixed("A duplicate rule in Salesforce blocked the record."),
  },
  DUPLICATE_VALUE: {
    reason: "duplicate_record",
    words: (e) => `Another Salesforce record already has this value in ${named(e.fields, "a unique field")}.`,
  },
  DUPLICATE_EXTERNAL_ID: {
    reason: "duplicate_record",
    words: fixed("More than one Salesforce record carries this contact's Conversion ID."),
  },
  UNABLE_TO_LOCK_ROW: {
    reason: "record_locked",
    words: fixed("Another update held the record each time Conversion tried to write it."),
  },
};

/**
 * The catalogue's reason for a record Salesforce rejected, from its first error, with the words that
 * say what the code means here. An unknown code is "Unknown error" with Salesforce's own text.
 */
export function outboundFailure(errors: SalesforceRecordError[]): { code: OutboundFailCode; detail: string } {
  const first = errors[0];
  if (!first) return { code: "unknown_error", detail: "Salesforce rejected the record without saying why." };
  const entry = Object.hasOwn(SALESFORCE_STATUS_CODES, first.statusCode)
    ? SALESFORCE_STATUS_CODES[first.statusCode]
    : undefined;
  if (!entry) return { code: "unknown_error", detail: `${first.statusCode}: ${first.message}`.slice(0, 1000) };
  return { code: entry.reason, detail: entry.words(first) };
}
