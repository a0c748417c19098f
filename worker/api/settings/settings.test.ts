import { describe, expect, it } from "vitest";
import { call, jsonInit, newWorkspace } from "../../../test/workers/helpers";

describe("settings", () => {
  it("starts from product.md's defaults", async () => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/settings", { headers: ws.auth });
    expect(res.status).toBe(200);
    const s = (await res.json()) as any;
    expect(s.syncIntervalMinutes).toBe(5);
    expect(s.objects.Lead).toEqual({ enabled: true, writeMode: "create_or_update" });
    expect(s.objects.Conversion_Event__c.enabled).toBe(false);
    expect(s.outbound).toEqual({ writeLeadsAndContacts: true, writeAccounts: true, createLeads: true });
    expect(s.fieldMappings.contact.map((m: any) => m.salesforceField)).toEqual(["Email", "FirstName", "LastName", "Title", "Phone"]);
  });

  it("PATCH merges only what it names", async () => {
    const ws = await newWorkspace();
    const res = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: { Lead: { writeMode: "update_only" } }, outbound: { createLeads: false } }, ws.auth),
    );
    expect(res.status).toBe(200);
    const s = (await res.json()) as any;
    expect(s.objects.Lead).toEqual({ enabled: true, writeMode: "update_only" });
    expect(s.objects.Contact.writeMode).toBe("create_or_update");
    expect(s.outbound).toEqual({ writeLeadsAndContacts: true, writeAccounts: true, createLeads: false });
    const again = (await (await call("/api/v1/settings", { headers: ws.auth })).json()) as any;
    expect(again.objects.Lead.writeMode).toBe("update_only");
  });

  it.each([
    [{ syncIntervalMinutes: 0 }, "syncIntervalMinutes"],
    [{ objects: { Lead: { writeMode: "sometimes" } } }, "objects.Lead.writeMode"],
    [{ syncRules: [{ object: "Lead", field: "Do_Not_Sync__c OR Id != null", equals: true }] }, "syncRules.0.field"],
    [{ eventObject: "Event'; DROP" }, "eventObject"],
    [{ unknownSetting: 1 }, "unknownSetting"],
    [{ fieldMappings: { contact: [{ conversionField: "shoeSize", salesforceField: "Shoe__c", direction: "both", writeRule: "always" }] } }, "fieldMappings.contact.0.conversionField"],
  ])("PATCH %j is a 400 naming %s", async (body, field) => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/settings", jsonInit("PATCH", body, ws.auth));
    expect(res.status).toBe(400);
    const err = (await res.json()) as any;
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.message).toContain(field);
  });

  it("malformed JSON is a 400, a missing key a 401", async () => {
    const ws = await newWorkspace();
    expect((await call("/api/v1/settings", jsonInit("PATCH", "{not json", ws.auth))).status).toBe(400);
    expect((await call("/api/v1/settings")).status).toBe(401);
    expect((await call("/api/v1/settings", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });
});
