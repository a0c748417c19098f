import { describe, expect, it } from "vitest";
import { leadsByEmail, lostAnswerTests, orgWith } from "./exactly-once.fixtures";
import { apiWithoutSend, cronTick, pushed, recordsOf } from "./outbound.fixtures";
import { fake } from "./sync-helpers";

// Where the org has Conversion's external-id field, every create is an upsert on it: a create whose
// answer was lost (after Salesforce committed it) is sent again and updates the record it made.
// Without the field: outbound-create-journal.test.ts.

describe("exactly-once creates with Conversion_Id__c", () => {
  lostAnswerTests(true);

  it("an upsert that matches a record Conversion did not make is an update, not a create", async () => {
    const ws = await orgWith(true);
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email: "known@example.com", lastName: "Known" });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [
        { LastName: "Imported", Company: "Elsewhere", Email: "known@example.com", Conversion_Id__c: contact.id },
      ],
    });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ created: 0, updated: 1 });
    expect(await leadsByEmail("known@example.com")).toHaveLength(1);
  });

  it("two records carrying one Conversion id: DUPLICATE_EXTERNAL_ID is a Duplicate record, nothing is created", async () => {
    const ws = await orgWith(true);
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email: "twice@example.com", lastName: "Twice" });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [1, 2].map((i) => ({ LastName: `Twin${i}`, Company: "Twins", Conversion_Id__c: contact.id })),
    });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ status: "completed", counts: { created: 0, failed: 1 } });
    const [record] = await recordsOf(ws, run.id);
    expect(record).toMatchObject({
      reason: { code: "duplicate_record", message: "Duplicate record" },
      salesforceError: { statusCode: "DUPLICATE_EXTERNAL_ID" },
    });
    expect(await leadsByEmail("twice@example.com")).toHaveLength(0);
  });
});
