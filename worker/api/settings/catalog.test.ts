import { beforeAll, describe, expect, it } from "vitest";
import { fakeCalls } from "../../../test/workers/connect";
import { bodyOf, call, env, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import { connectedWorkspace, fake, resetFake } from "../../../test/workers/sync-helpers";
import { errorSchema } from "../common";

type Catalog = {
  conversion: Record<"contact" | "company", { name: string; label: string }[]>;
  salesforce: {
    available: boolean;
    reason: { code: string; message: string } | null;
    objects: Record<
      string,
      {
        label: string | null;
        fields: { name: string; label: string; type: string; picklistValues?: string[] }[];
        describedAt: string | null;
        error: { code: string; message: string } | null;
      }
    >;
  };
};

const SIX = ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole", "Conversion_Event__c"];

async function catalog(auth: Record<string, string>, query = ""): Promise<Catalog> {
  const res = await call(`/api/v1/settings/catalog${query}`, { headers: auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Catalog;
}

async function describeCalls(): Promise<string[]> {
  return (await fakeCalls()).filter((c) => c.kind === "describe").map((c) => c.path);
}

beforeAll(async () => {
  await resetFake();
});

describe("GET /api/v1/settings/catalog", () => {
  it("without a connection: Conversion's fields with labels, no org fields, and why", async () => {
    const ws = await newWorkspace();
    const c = await catalog(ws.auth);
    expect(c.conversion.contact).toContainEqual({ name: "firstName", label: "First name" });
    expect(c.conversion.contact.map((f) => f.name)).toEqual([
      "email",
      "userId",
      "firstName",
      "lastName",
      "title",
      "phone",
    ]);
    expect(c.conversion.company).toContainEqual({ name: "domain", label: "Domain" });
    expect(c.salesforce).toEqual({
      available: false,
      reason: { code: "not_connected", message: expect.stringContaining("not connected") },
      objects: {},
    });
  });

  it("connected: the org's fields per object with Salesforce's labels, described once and then cached", async () => {
    const ws = await connectedWorkspace();
    await fake("DELETE", "/__fake/calls");
    const first = await catalog(ws.auth);
    expect(first.salesforce.available).toBe(true);
    expect(Object.keys(first.salesforce.objects)).toEqual(SIX);
    const lead = first.salesforce.objects.Lead!;
    expect(lead.error).toBeNull();
    expect(lead.label).toBe("Lead");
    expect(lead.fields).toContainEqual(expect.objectContaining({ name: "FirstName", label: "First Name" }));
    expect(lead.fields).toContainEqual(expect.objectContaining({ name: "Do_Not_Sync__c", type: "boolean" }));
    const source = lead.fields.find((f) => f.name === "LeadSource")!;
    expect(source.type).toBe("picklist");
    expect(source.picklistValues?.length).toBeGreaterThan(0);
    expect(first.salesforce.objects.Conversion_Event__c!.fields.map((f) => f.name)).toContain("Event_Name__c");
    expect((await describeCalls()).length).toBe(SIX.length);

    // The second visit reads D1 only; ?refresh=true asks Salesforce again.
    const second = await catalog(ws.auth);
    expect(second.salesforce.objects.Lead!.describedAt).toBe(lead.describedAt);
    expect((await describeCalls()).length).toBe(SIX.length);
    const fresh = await catalog(ws.auth, "?refresh=true");
    expect(fresh.salesforce.objects.Lead!.fields).toEqual(lead.fields);
    expect((await describeCalls()).length).toBe(SIX.length * 2);
  });

  it("a cached describe from another org is not reused", async () => {
    const ws = await connectedWorkspace();
    await catalog(ws.auth);
    await env.DB.prepare(
      "UPDATE describe_cache SET org_id = '00Dother' WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(ws.id)
      .run();
    await fake("DELETE", "/__fake/calls");
    await catalog(ws.auth);
    expect(await describeCalls()).toEqual([expect.stringMatching(/\/sobjects\/Lead\/describe$/)]);
  });

  it("an object the org refuses carries its error; the others are still listed", async () => {
    const ws = await connectedWorkspace({ eventObject: "Webinar_Event__c" });
    const c = await catalog(ws.auth);
    expect(c.salesforce.available).toBe(true);
    expect(c.salesforce.objects.Webinar_Event__c).toEqual({
      label: null,
      fields: [],
      describedAt: null,
      error: { code: "insufficient_permissions", message: expect.stringContaining("Webinar_Event__c") },
    });
    expect(c.salesforce.objects.Contact!.fields.length).toBeGreaterThan(5);
  });

  it("needs a reconnect: org fields empty with the reason", async () => {
    const ws = await connectedWorkspace();
    await env.DB.prepare("UPDATE connections SET status = 'needs_reconnect' WHERE workspace_id = ?").bind(ws.id).run();
    const c = await catalog(ws.auth);
    expect(c.salesforce).toEqual({
      available: false,
      reason: { code: "needs_reconnect", message: expect.stringContaining("Reconnect") },
      objects: {},
    });
    expect(c.conversion.company.length).toBe(3);
  });

  it("refuses unknown query parameters and bad values with a 400 naming them; needs credentials", async () => {
    const ws = await newWorkspace();
    const bad = await call("/api/v1/settings/catalog?refresh=yes", { headers: ws.auth });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad, errorSchema)).error.message).toContain("refresh");
    const unknown = await call("/api/v1/settings/catalog?fields=all", { headers: ws.auth });
    expect(unknown.status).toBe(400);
    expect((await bodyOf(unknown, errorSchema)).error.message).toContain("fields");
    expect((await call("/api/v1/settings/catalog")).status).toBe(401);
    // PATCH on the catalog path is not a settings write.
    expect((await call("/api/v1/settings/catalog", jsonInit("PATCH", {}, ws.auth))).status).toBe(404);
  });
});
