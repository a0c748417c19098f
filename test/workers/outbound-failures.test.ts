import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { OUTBOUND_FAIL } from "../../worker/sync/reasons";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  collectionCalls,
  cronTick,
  linkedContacts,
  outboundSetup,
  pushed,
  recordsOf,
  setFaults,
  sfRecord,
} from "./outbound.fixtures";
import { fake } from "./sync-helpers";

// Salesforce's per-record statusCode → our code, as the catalogue's reasons; the message is the
// catalogue's (worker/sync/reasons.ts).
const CASES: [string, keyof typeof OUTBOUND_FAIL, string][] = [
  ["CANNOT_UPDATE_CONVERTED_LEAD", "invalid_cross_reference", "Invalid cross reference"],
  ["INVALID_FIELD_FOR_INSERT_UPDATE", "insufficient_permissions", "Insufficient permissions"],
  ["INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "insufficient_permissions", "Insufficient permissions"],
  ["INSUFFICIENT_ACCESS_OR_READONLY", "insufficient_permissions", "Insufficient permissions"],
  ["MALFORMED_ID", "invalid_cross_reference", "Invalid cross reference"],
  ["INVALID_CROSS_REFERENCE_KEY", "invalid_cross_reference", "Invalid cross reference"],
  ["FIELD_CUSTOM_VALIDATION_EXCEPTION", "validation_rule_failure", "Validation rule failure"],
  ["REQUIRED_FIELD_MISSING", "required_field_missing", "Required field missing"],
  ["DUPLICATES_DETECTED", "duplicate_record", "Duplicate record"],
  ["DUPLICATE_VALUE", "duplicate_record", "Duplicate record"],
  ["STRING_TOO_LONG", "field_length_exceeded", "Field length exceeded"],
  ["INVALID_EMAIL_ADDRESS", "validation_rule_failure", "Validation rule failure"],
  ["ENTITY_IS_DELETED", "invalid_cross_reference", "Invalid cross reference"],
  ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "invalid_picklist_value", "Invalid picklist value"],
  ["SOMETHING_SALESFORCE_INVENTED", "unknown_error", "Unknown error"],
];

describe("outbound per-record failures", () => {
  beforeEach(clearCalls);

  it("maps every Salesforce statusCode to its code and message, keeps Salesforce's error, and never fails a neighbour", async () => {
    const ws = await outboundSetup();
    const people = [...CASES.map((_, i) => ({ email: `fail${i}@example.com` })), { email: "fine@example.com" }];
    const linked = await linkedContacts(ws, "Lead", people);
    await setFaults({
      recordErrors: CASES.map(([statusCode], i) => ({
        id: linked[i]!.salesforceId,
        statusCode,
        message: `org says ${statusCode}`,
        fields: ["Title"],
      })),
    });
    for (const l of linked) await apiWithoutSend(ws, "PATCH", `/contacts/${l.contactId}`, { title: "VP" });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toEqual({ created: 0, updated: 1, deleted: 0, skipped: 0, failed: CASES.length });
    const records = await recordsOf(ws, run.id);
    for (const [i, [statusCode, code, message]] of CASES.entries()) {
      const record = records.find((r) => r.conversionId === linked[i]!.contactId);
      expect(record).toMatchObject({
        status: "failed",
        action: null,
        salesforceId: linked[i]!.salesforceId,
        reason: { code, message, explanation: OUTBOUND_FAIL[code].explanation, detail: expect.any(String) },
        salesforceError: { statusCode, message: `org says ${statusCode}`, fields: ["Title"] },
        changes: [{ field: "Title", from: null, to: "VP" }],
      });
    }
    const unknown = records.find((r) => r.conversionId === linked[CASES.length - 1]!.contactId);
    expect(unknown.reason.detail).toBe("SOMETHING_SALESFORCE_INVENTED: org says SOMETHING_SALESFORCE_INVENTED");
    const fine = records.find((r) => r.conversionId === linked.at(-1)!.contactId);
    expect(fine).toMatchObject({ status: "success", action: "updated", reason: null, salesforceError: null });
    expect((await sfRecord("Lead", linked.at(-1)!.salesforceId)).Title).toBe("VP");
    expect((await sfRecord("Lead", linked[0]!.salesforceId)).Title).toBeNull();
  });

  it("Salesforce's own validation answers too: an unknown restricted picklist value on an Account", async () => {
    const ws = await outboundSetup();
    const company = await apiJson(ws, "POST", "/companies", { name: "Picky", industry: "Underwater Basket Weaving" });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ salesforceObject: "Account", status: "completed", counts: { failed: 1, created: 0 } });
    const [record] = await recordsOf(ws, run.id);
    expect(record).toMatchObject({
      status: "failed",
      conversionId: company.id,
      reason: { code: "invalid_picklist_value", message: "Invalid picklist value" },
    });
    expect(record.salesforceError.statusCode).toBe("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    expect((await apiJson(ws, "GET", `/companies/${company.id}`)).salesforceId).toBeNull();
  });

  it("a converted Lead is “Invalid cross reference”, never “Insufficient permissions”; a wrong-type id never “Validation rule failure”", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "converted@example.com" }]);
    const [person] = await linkedContacts(ws, "Contact", [{ email: "wrongtype@example.com" }]);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [{ Id: lead!.salesforceId, IsConverted: true }],
    });
    // A company whose Salesforce id is a Lead's: the Contact's AccountId gets an id of the wrong type.
    const company = await apiWithoutSend(ws, "POST", "/companies", { name: "Misfiled" });
    await env.DB.prepare("UPDATE companies SET salesforce_id = ? WHERE id = ?")
      .bind(lead!.salesforceId, company.id)
      .run();
    await env.DB.prepare("UPDATE outbox SET processed_at = 'x' WHERE entity_id = ?").bind(company.id).run();
    await apiWithoutSend(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Too late" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${person!.contactId}`, { companyId: company.id });
    await cronTick();
    const runs = await pushed(ws, 2);
    const bySf = Object.fromEntries(runs.map((r) => [r.salesforceObject, r]));
    const [converted] = await recordsOf(ws, bySf.Lead.id);
    expect(converted).toMatchObject({
      status: "failed",
      reason: { code: "invalid_cross_reference", message: "Invalid cross reference" },
      salesforceError: { statusCode: "CANNOT_UPDATE_CONVERTED_LEAD" },
    });
    const [wrongType] = await recordsOf(ws, bySf.Contact.id);
    expect(wrongType).toMatchObject({
      status: "failed",
      reason: { code: "invalid_cross_reference", detail: "AccountId points at a record of the wrong type." },
      salesforceError: { statusCode: "FIELD_INTEGRITY_EXCEPTION", fields: ["AccountId"] },
    });
  });

  it("a record locked twice is written on the third attempt, and only it is retried", async () => {
    const ws = await outboundSetup();
    const [locked, free] = await linkedContacts(ws, "Lead", [
      { email: "lock@example.com" },
      { email: "free@example.com" },
    ]);
    await setFaults({ recordErrors: [{ id: locked!.salesforceId, statusCode: "UNABLE_TO_LOCK_ROW", times: 2 }] });
    await apiWithoutSend(ws, "PATCH", `/contacts/${locked!.contactId}`, { title: "Eventually" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${free!.contactId}`, { title: "At once" });
    await cronTick();
    const runs = await pushed(ws, 1);
    expect(runs[0].counts).toMatchObject({ updated: 2, failed: 0 });
    const writes = await collectionCalls();
    expect(writes.map((c) => c.records)).toEqual([2, 1, 1]);
    expect((await sfRecord("Lead", locked!.salesforceId)).Title).toBe("Eventually");
  });

  it("a record that stays locked is reported as record_locked after three attempts", async () => {
    const ws = await outboundSetup();
    const [locked] = await linkedContacts(ws, "Lead", [{ email: "stuck@example.com" }]);
    await setFaults({ recordErrors: [{ id: locked!.salesforceId, statusCode: "UNABLE_TO_LOCK_ROW" }] });
    await apiJson(ws, "PATCH", `/contacts/${locked!.contactId}`, { title: "Never" });
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 0, failed: 1 });
    const [record] = await recordsOf(ws, run.id);
    expect(record.reason).toMatchObject({ code: "record_locked", message: "Record locked" });
    expect(record.salesforceError.statusCode).toBe("UNABLE_TO_LOCK_ROW");
    expect((await collectionCalls()).length).toBe(3);
  });
});
