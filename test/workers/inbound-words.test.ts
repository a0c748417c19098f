import { beforeEach, describe, expect, it } from "vitest";
import { INBOUND_SKIP } from "../../worker/sync/reasons";
import { call } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  sfCreate,
  syncNow,
} from "./sync-helpers";

interface ApiRecord {
  salesforceId: string | null;
  status: string;
  reason: { code: string; message: string; explanation: string; detail?: string | null } | null;
  error?: string | null;
}

async function recordFor(ws: { id: string; auth: Record<string, string> }, salesforceId: string) {
  for (const run of await runsOf(ws.id)) {
    const res = await call(`/api/v1/sync/runs/${run.id}/records?limit=200`, { headers: ws.auth });
    const found = ((await res.json()) as { records: (ApiRecord & Record<string, unknown>)[] }).records.find(
      (r) => r.salesforceId === salesforceId,
    );
    if (found) return found;
  }
  throw new Error(`no record for ${salesforceId}`);
}

describe("the right words", () => {
  beforeEach(async () => {
    await resetFake({ counts: NONE });
  });

  it("a Lead whose email belongs to a contact synced from a Salesforce Contact says so, not Unknown reason", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead", "Contact"));
    const [contact] = await sfCreate("Contact", [{ LastName: "Same", Email: "same@example.com" }]);
    await syncNow(ws);
    const [lead] = await sfCreate("Lead", [{ LastName: "Same", Company: "X", Email: "Same@Example.com" }]);
    await syncNow(ws);
    const record = await recordFor(ws, lead!);
    expect(record.status).toBe("skipped");
    expect(record.reason).toMatchObject({
      code: "conflicting_identifier",
      message: INBOUND_SKIP.conflicting_identifier.message,
      explanation: INBOUND_SKIP.conflicting_identifier.explanation,
    });
    const words = JSON.stringify(record);
    expect(words).toContain(`Salesforce Contact ${contact}`);
    expect(words).toContain("same@example.com");
    await expectCountsMatchRecords(ws.id);
  });

  it("sync rules apply to custom events: a matching event is Do not sync", async () => {
    const ws = await connectedWorkspace({
      ...onlyObjects("Contact", "Conversion_Event__c"),
      syncRules: [{ object: "Conversion_Event__c", field: "Event_Name__c", equals: "Internal test" }],
    });
    await sfCreate("Contact", [{ LastName: "Person", Email: "person@example.com" }]);
    const [kept, excluded] = await sfCreate("Conversion_Event__c", [
      { Event_Name__c: "Webinar attended", Email__c: "person@example.com" },
      { Event_Name__c: "Internal test", Email__c: "person@example.com" },
    ]);
    await syncNow(ws);
    expect((await recordFor(ws, kept!)).status).toBe("success");
    const skipped = await recordFor(ws, excluded!);
    expect(skipped.status).toBe("skipped");
    expect(skipped.reason).toMatchObject({ code: "do_not_sync", message: INBOUND_SKIP.do_not_sync.message });
    await expectCountsMatchRecords(ws.id);
  });
});
