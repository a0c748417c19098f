import { describe, expect, it } from "vitest";
import { OUTBOUND_FAIL } from "./reasons";
import { outboundFailure, SALESFORCE_STATUS_CODES } from "./status-codes";

// Each Salesforce statusCode an outbound write can meet → the catalogue's message (reasons.ts) and the words that
// say what it means for the record. Written out here, not derived from the table, so a changed
// mapping fails this test.
const TABLE: [string, string, string, string[]?][] = [
  [
    "CANNOT_UPDATE_CONVERTED_LEAD",
    "Invalid cross reference",
    "The Lead was converted to a Contact in Salesforce; converted Leads can no longer be updated.",
  ],
  [
    "INVALID_FIELD_FOR_INSERT_UPDATE",
    "Insufficient permissions",
    "The integration user cannot edit Title (field-level security, or a read-only field).",
    ["Title"],
  ],
  [
    "INVALID_FIELD",
    "Insufficient permissions",
    "Salesforce does not show Title to the integration user (field-level security), or the field does not exist.",
    ["Title"],
  ],
  [
    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
    "Insufficient permissions",
    "The integration user has no access to a record this one points at (for example its Account or owner).",
  ],
  [
    "INSUFFICIENT_ACCESS_OR_READONLY",
    "Insufficient permissions",
    "The integration user may not edit this record (sharing rules, or a read-only record).",
  ],
  ["INSUFFICIENT_ACCESS", "Insufficient permissions", "The integration user may not edit this record."],
  ["MALFORMED_ID", "Invalid cross reference", "AccountId is not a valid Salesforce id.", ["AccountId"]],
  [
    "FIELD_INTEGRITY_EXCEPTION",
    "Invalid cross reference",
    "AccountId points at a record of the wrong type.",
    ["AccountId"],
  ],
  ["INVALID_CROSS_REFERENCE_KEY", "Invalid cross reference", "AccountId does not exist in Salesforce.", ["AccountId"]],
  ["INVALID_ID_FIELD", "Invalid cross reference", "The record's Salesforce id is not valid for this object."],
  ["ENTITY_IS_DELETED", "Invalid cross reference", "The Salesforce record, or one it references, was deleted."],
  [
    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    "Validation rule failure",
    "The rule says: org says FIELD_CUSTOM_VALIDATION_EXCEPTION",
  ],
  ["INVALID_EMAIL_ADDRESS", "Validation rule failure", "Salesforce's email address check rejected the address."],
  ["REQUIRED_FIELD_MISSING", "Required field missing", "Salesforce requires LastName.", ["LastName"]],
  [
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    "Invalid picklist value",
    "LeadSource only accepts the values defined in Salesforce.",
    ["LeadSource"],
  ],
  [
    "BAD_VALUE_FOR_RESTRICTED_PICKLIST",
    "Invalid picklist value",
    "LeadSource only accepts the values defined in Salesforce.",
    ["LeadSource"],
  ],
  ["STRING_TOO_LONG", "Field length exceeded", "LastName is longer than Salesforce allows.", ["LastName"]],
  ["DUPLICATES_DETECTED", "Duplicate record", "A duplicate rule in Salesforce blocked the record."],
  [
    "DUPLICATE_VALUE",
    "Duplicate record",
    "Another Salesforce record already has this value in Conversion_Id__c.",
    ["Conversion_Id__c"],
  ],
  [
    "DUPLICATE_EXTERNAL_ID",
    "Duplicate record",
    "More than one Salesforce record carries this contact's Conversion ID.",
  ],
  ["UNABLE_TO_LOCK_ROW", "Record locked", "Another update held the record each time Conversion tried to write it."],
];

const messageOf = (code: string) => Object.values(OUTBOUND_FAIL).find((r) => r.code === code)!.message;

describe("Salesforce status codes → the catalogue's outbound failure reasons", () => {
  it.each(TABLE)("%s → %s, with words for the record", (statusCode, message, words, fields = []) => {
    const reason = outboundFailure([{ statusCode, message: `org says ${statusCode}`, fields }]);
    expect(messageOf(reason.code)).toBe(message);
    expect(reason.detail).toBe(words);
  });

  it("the table holds exactly these codes", () => {
    expect(Object.keys(SALESFORCE_STATUS_CODES).sort()).toEqual(TABLE.map(([code]) => code).sort());
  });

  it("a converted Lead is never a permissions problem, a wrong-type id never a validation rule", () => {
    expect(outboundFailure([{ statusCode: "CANNOT_UPDATE_CONVERTED_LEAD", message: "", fields: [] }]).code).not.toBe(
      "insufficient_permissions",
    );
    for (const statusCode of ["MALFORMED_ID", "FIELD_INTEGRITY_EXCEPTION"]) {
      expect(outboundFailure([{ statusCode, message: "id value of incorrect type", fields: [] }]).code).not.toBe(
        "validation_rule_failure",
      );
    }
  });

  it("an unknown code is “Unknown error” and keeps Salesforce's own text", () => {
    const reason = outboundFailure([
      { statusCode: "SOMETHING_SALESFORCE_INVENTED", message: "A brand new refusal", fields: [] },
    ]);
    expect(reason).toEqual({ code: "unknown_error", detail: "SOMETHING_SALESFORCE_INVENTED: A brand new refusal" });
    expect(messageOf(reason.code)).toBe("Unknown error");
    // Names of Object.prototype are codes Salesforce never sent, not table entries.
    expect(outboundFailure([{ statusCode: "constructor", message: "x", fields: [] }]).code).toBe("unknown_error");
  });

  it("the first error decides; no error at all is still a reason", () => {
    const reason = outboundFailure([
      { statusCode: "STRING_TOO_LONG", message: "Last Name: data value too large", fields: ["LastName"] },
      { statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [Company]", fields: ["Company"] },
    ]);
    expect(reason.code).toBe("field_length_exceeded");
    expect(outboundFailure([]).code).toBe("unknown_error");
  });
});
