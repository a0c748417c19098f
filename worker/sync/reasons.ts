// The reason catalogue: every message the user sees for a record or a run, worded exactly
// as the user's help documentation words it (do not reword).
// Codes are the API's stable identifiers (the OpenAPI document); nothing else in the code spells a message.

import type { RunDirection } from "../db/schema/enums";

export interface Reason {
  code: string;
  message: string;
  explanation: string;
  /** What the admin should do; whole-run failures have one. */
  action?: string;
}

const reason = (code: string, message: string, explanation: string, action?: string): Reason => ({
  code,
  message,
  explanation,
  ...(action ? { action } : {}),
});

export const INBOUND_SKIP = {
  missing_email: reason(
    "missing_email",
    "Missing email address",
    "The Lead or Contact has no email address. Contacts in Conversion must have an email address.",
  ),
  invalid_email: reason(
    "invalid_email",
    "Invalid email address",
    "The Lead or Contact has an invalid email address (for example, it contains invalid characters).",
  ),
  lead_converted: reason(
    "lead_converted",
    "Lead already converted",
    "This Lead has been converted to a Contact in Salesforce.",
  ),
  do_not_sync: reason(
    "do_not_sync",
    "Do not sync",
    "The record is flagged to not sync into Conversion (for example, excluded by sync rules).",
  ),
  missing_external_id: reason("missing_external_id", "Missing external ID", "The record has no Salesforce ID."),
  outdated_record: reason(
    "outdated_record",
    "Outdated record",
    "More recent data for this Salesforce ID has already been synced.",
  ),
  no_account_association: reason(
    "no_account_association",
    "No account association",
    "The record could not be associated with an account in Conversion.",
  ),
  write_mode_mismatch: reason(
    "write_mode_mismatch",
    "Write mode mismatch",
    "The record didn’t match the configured write mode (for example, update-only when no existing record was found).",
  ),
  opportunity_not_found: reason(
    "opportunity_not_found",
    "Opportunity not found",
    "The associated opportunity does not exist in Conversion.",
  ),
  missing_identifier: reason(
    "missing_identifier",
    "Missing identifier",
    "No email or user ID was provided to resolve a contact.",
  ),
  contact_not_found: reason("contact_not_found", "Contact not found", "No contact matches the provided identifier."),
  conflicting_identifier: reason(
    "conflicting_identifier",
    "Conflicting identifier",
    "The provided identifiers resolved to different contacts (for example, a contact was found by email but has a different user ID).",
  ),
  missing_event_name: reason("missing_event_name", "Missing event name", "A custom event has no event name."),
  unknown_reason: reason("unknown_reason", "Unknown reason", "The record was skipped for an unknown reason."),
} as const;

export const INBOUND_FAIL = {
  malformed_data: reason(
    "malformed_data",
    "Malformed data",
    "The Salesforce record data was malformed or missing required fields and could not be processed.",
  ),
  encode_failed: reason("encode_failed", "Failed to encode data", "The record data could not be encoded for storage."),
  invalid_timestamp: reason(
    "invalid_timestamp",
    "Invalid timestamp",
    "The record’s timestamp was missing or could not be read as a valid date.",
  ),
  unknown_error: reason("unknown_error", "Unknown error", "An unexpected error occurred while processing the record."),
} as const;

export const OUTBOUND_SKIP = {
  object_write_disabled: reason(
    "object_write_disabled",
    "Object write disabled",
    "Writing to this Salesforce object type is turned off (for example, Write changes to Salesforce leads and contacts is off).",
  ),
  no_fields_to_update: reason(
    "no_fields_to_update",
    "No fields to update",
    "No fields were eligible to sync based on your field mapping and write rules.",
  ),
} as const;

export const OUTBOUND_FAIL = {
  insufficient_permissions: reason(
    "insufficient_permissions",
    "Insufficient permissions",
    "The integration user lacks permission to create or update this record (for example, due to sharing rules).",
  ),
  required_field_missing: reason(
    "required_field_missing",
    "Required field missing",
    "A field required by Salesforce is empty in Conversion.",
  ),
  invalid_picklist_value: reason(
    "invalid_picklist_value",
    "Invalid picklist value",
    "A field value doesn’t exist in the Salesforce picklist.",
  ),
  field_length_exceeded: reason(
    "field_length_exceeded",
    "Field length exceeded",
    "A field value is longer than the Salesforce field allows.",
  ),
  validation_rule_failure: reason(
    "validation_rule_failure",
    "Validation rule failure",
    "A Salesforce validation rule rejected the record.",
  ),
  record_locked: reason(
    "record_locked",
    "Record locked",
    "Salesforce couldn’t lock the record for update, usually due to too many concurrent updates to the same record.",
  ),
  invalid_cross_reference: reason(
    "invalid_cross_reference",
    "Invalid cross reference",
    "The record references another record that’s invalid or doesn’t exist. Check that the referenced records exist.",
  ),
  duplicate_record: reason(
    "duplicate_record",
    "Duplicate record",
    "The record is a duplicate of an existing Salesforce record.",
  ),
  unknown_error: reason("unknown_error", "Unknown error", "An unexpected error occurred while processing the record."),
} as const;

/** Whole-run failures, each with its "What to do". */
export const RUN_FAILURES = {
  authentication_failure: reason(
    "authentication_failure",
    "Authentication failure",
    "Conversion couldn’t authenticate with Salesforce.",
    "Reconnect Salesforce from the Overview tab.",
  ),
  insufficient_permissions: reason(
    "insufficient_permissions",
    "Insufficient permissions",
    "The integration user lacks permission to read this record type.",
    "Review the integration user’s permission set in Salesforce.",
  ),
  api_limit_exceeded: reason(
    "api_limit_exceeded",
    "API limit exceeded",
    "Salesforce’s daily API limit has been reached.",
    "Wait for the limit to reset, and review your usage under Rate limits.",
  ),
  unknown_error: reason(
    "unknown_error",
    "Unknown error",
    "An unexpected error occurred while processing the sync.",
    "Retry on the next run; contact support if it persists.",
  ),
} as const;

export type InboundSkipCode = keyof typeof INBOUND_SKIP;
export type InboundFailCode = keyof typeof INBOUND_FAIL;
export type OutboundSkipCode = keyof typeof OUTBOUND_SKIP;
export type OutboundFailCode = keyof typeof OUTBOUND_FAIL;

/** A record's reason for the API, looked up by direction because `unknown_error` means slightly different things. */
export function recordReason(direction: RunDirection, status: string, code: string | null): Reason | null {
  if (!code) return null;
  const order: Record<string, Reason>[] =
    direction === "inbound"
      ? status === "failed"
        ? [INBOUND_FAIL, INBOUND_SKIP]
        : [INBOUND_SKIP, INBOUND_FAIL]
      : status === "failed"
        ? [OUTBOUND_FAIL, OUTBOUND_SKIP]
        : [OUTBOUND_SKIP, OUTBOUND_FAIL];
  for (const table of order) if (table[code]) return table[code];
  return direction === "inbound" ? INBOUND_SKIP.unknown_reason : OUTBOUND_FAIL.unknown_error;
}

export function runFailure(code: string | null, detail?: string | null) {
  if (!code) return null;
  const r = (RUN_FAILURES as Record<string, Reason>)[code] ?? RUN_FAILURES.unknown_error;
  return {
    code: r.code,
    message: r.message,
    action: r.action ?? "",
    explanation: r.explanation,
    detail: detail ?? null,
  };
}
