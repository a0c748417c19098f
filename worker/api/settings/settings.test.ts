import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyOf, call, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import type { Settings } from "../../settings/schema";
import { errorSchema } from "../common";

// The answer as sent (not parsed, so an extra field still fails a toEqual), typed as the API declares it.
const settingsOf = async (res: Response) => (await res.json()) as Settings;

describe("settings", () => {
  it("starts from the defaults of worker/settings/defaults.ts", async () => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/settings", { headers: ws.auth });
    expect(res.status).toBe(200);
    const s = await settingsOf(res);
    expect(s.syncIntervalMinutes).toBe(5);
    expect(s.objects.Lead).toEqual({ enabled: true, writeMode: "create_or_update" });
    expect(s.objects.Conversion_Event__c.enabled).toBe(false);
    expect(s.outbound).toEqual({ writeLeadsAndContacts: true, writeAccounts: true, createLeads: true });
    expect(s.fieldMappings.contact.map((m) => m.salesforceField)).toEqual([
      "Email",
      "FirstName",
      "LastName",
      "Title",
      "Phone",
    ]);
  });

  it("PATCH merges only what it names", async () => {
    const ws = await newWorkspace();
    const res = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: { Lead: { writeMode: "update_only" } }, outbound: { createLeads: false } }, ws.auth),
    );
    expect(res.status).toBe(200);
    const s = await settingsOf(res);
    expect(s.objects.Lead).toEqual({ enabled: true, writeMode: "update_only" });
    expect(s.objects.Contact.writeMode).toBe("create_or_update");
    expect(s.outbound).toEqual({ writeLeadsAndContacts: true, writeAccounts: true, createLeads: false });
    const again = await settingsOf(await call("/api/v1/settings", { headers: ws.auth }));
    expect(again.objects.Lead.writeMode).toBe("update_only");
  });

  it.each([
    [{ syncIntervalMinutes: 0 }, "syncIntervalMinutes"],
    [{ objects: { Lead: { writeMode: "sometimes" } } }, "objects.Lead.writeMode"],
    [{ syncRules: [{ object: "Lead", field: "Do_Not_Sync__c OR Id != null", equals: true }] }, "syncRules.0.field"],
    [{ eventObject: "Event'; DROP" }, "eventObject"],
    [{ unknownSetting: 1 }, "unknownSetting"],
    [{ parallelReads: 0 }, "parallelReads"],
    [{ parallelReads: 6 }, "parallelReads"],
    [{ parallelReads: 2.5 }, "parallelReads"],
    [{ parallelReads: "x" }, "parallelReads"],
    [{ parallelReads: null }, "parallelReads"],
    [
      {
        fieldMappings: {
          contact: [
            { conversionField: "shoeSize", salesforceField: "Shoe__c", direction: "both", writeRule: "always" },
          ],
        },
      },
      "fieldMappings.contact.0.conversionField",
    ],
  ])("PATCH %j is a 400 naming %s", async (body, field) => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/settings", jsonInit("PATCH", body, ws.auth));
    expect(res.status).toBe(400);
    const err = await bodyOf(res, errorSchema);
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.message).toContain(field);
  });

  it("parallelReads: the deployment's INBOUND_SLICE_CONCURRENCY until the workspace saves 1 to 5, which stays through other PATCHes", async () => {
    const ws = await newWorkspace();
    // The suite's deployment reads one stream (vitest.config.ts): that is the workspace's default.
    expect((env as unknown as Record<string, string>).INBOUND_SLICE_CONCURRENCY).toBe("1");
    expect((await settingsOf(await call("/api/v1/settings", { headers: ws.auth }))).parallelReads).toBe(1);
    for (const n of [2, 5, 1]) {
      const res = await call("/api/v1/settings", jsonInit("PATCH", { parallelReads: n }, ws.auth));
      expect(res.status, await res.clone().text()).toBe(200);
      expect((await settingsOf(res)).parallelReads).toBe(n);
    }
    await call("/api/v1/settings", jsonInit("PATCH", { parallelReads: 4 }, ws.auth));
    const other = await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 7 }, ws.auth));
    expect((await settingsOf(other)).parallelReads).toBe(4);
    const again = await settingsOf(await call("/api/v1/settings", { headers: ws.auth }));
    expect(again).toMatchObject({ parallelReads: 4, syncIntervalMinutes: 7 });
    // Refused as a whole: a bad value changes nothing.
    const six = await call("/api/v1/settings", jsonInit("PATCH", { parallelReads: 6 }, ws.auth));
    expect(six.status).toBe(400);
    // Refused for its value (at most 5), not as a key the API does not know.
    expect((await bodyOf(six, errorSchema)).error.message).toBe(
      "Invalid body field 'parallelReads': Too big: expected number to be <=5",
    );
    expect((await settingsOf(await call("/api/v1/settings", { headers: ws.auth }))).parallelReads).toBe(4);
  });

  it("objects: the six the sync reads are accepted, any other key is a 400 that names it", async () => {
    const ws = await newWorkspace();
    const six = ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole", "Conversion_Event__c"];
    const ok = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: Object.fromEntries(six.map((o) => [o, { writeMode: "update_only" }])) }, ws.auth),
    );
    expect(ok.status, await ok.clone().text()).toBe(200);
    const s = await settingsOf(ok);
    expect(Object.keys(s.objects).sort()).toEqual([...six].sort());
    for (const o of six) expect(s.objects[o].writeMode).toBe("update_only");

    const res = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: { Lead: { enabled: false }, Campaign: { enabled: true } } }, ws.auth),
    );
    expect(res.status).toBe(400);
    const err = await bodyOf(res, errorSchema);
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.message).toContain("'objects.Campaign'");
    expect(err.error.message).toContain("unknown object 'Campaign'");
    expect(err.error.message).toContain("the event object 'Conversion_Event__c'");
    expect((err.error.details as { issues: { field: string }[] }).issues[0]!.field).toBe("objects.Campaign");
    // Refused as a whole: the Lead switch in the same PATCH did not apply either.
    expect((await settingsOf(await call("/api/v1/settings", { headers: ws.auth }))).objects.Lead!.enabled).toBe(true);
  });

  it("a renamed event object can be configured in the same PATCH; its old name is then unknown", async () => {
    const ws = await newWorkspace();
    const res = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { eventObject: "Webinar_Event__c", objects: { Webinar_Event__c: { enabled: true } } }, ws.auth),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const s = await settingsOf(res);
    expect(s.eventObject).toBe("Webinar_Event__c");
    expect(s.objects.Webinar_Event__c).toEqual({ enabled: true, writeMode: "create_or_update" });
    // One switch for the event object: the old name's entry is gone, so a GET → PATCH round trip stays valid.
    expect(s.objects.Conversion_Event__c).toBeUndefined();
    const roundTrip = await call("/api/v1/settings", jsonInit("PATCH", { objects: s.objects }, ws.auth));
    expect(roundTrip.status, await roundTrip.clone().text()).toBe(200);
    const old = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: { Conversion_Event__c: { enabled: true } } }, ws.auth),
    );
    expect(old.status).toBe(400);
    expect((await bodyOf(old, errorSchema)).error.message).toContain("'objects.Conversion_Event__c'");
  });

  it("malformed JSON is a 400, a missing key a 401", async () => {
    const ws = await newWorkspace();
    expect((await call("/api/v1/settings", jsonInit("PATCH", "{not json", ws.auth))).status).toBe(400);
    expect((await call("/api/v1/settings")).status).toBe(401);
    expect((await call("/api/v1/settings", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });
});
