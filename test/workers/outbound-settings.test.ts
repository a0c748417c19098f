import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { OUTBOUND_SKIP } from "../../worker/sync/reasons";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  collectionCalls,
  cronTick,
  fakeCalls,
  linkedContacts,
  outboundSetup,
  pushed,
  recordsOf,
  sfRecord,
} from "./outbound.fixtures";
import { fake } from "./sync-helpers";

const both = (conversionField: string, salesforceField: string, writeRule = "always", direction = "both") => ({
  conversionField,
  salesforceField,
  direction,
  writeRule,
});
const CONTACT_MAPPING = (overrides: Record<string, ReturnType<typeof both>>) =>
  [
    both("email", "Email"),
    both("firstName", "FirstName"),
    both("lastName", "LastName"),
    both("title", "Title"),
    both("phone", "Phone"),
  ].map((m) => overrides[m.conversionField] ?? m);

function expectSkip(record: any, code: keyof typeof OUTBOUND_SKIP) {
  expect(record).toMatchObject({
    status: "skipped",
    action: null,
    reason: { code, message: OUTBOUND_SKIP[code].message, explanation: OUTBOUND_SKIP[code].explanation },
    salesforceError: null,
  });
}

describe("outbound settings", () => {
  beforeEach(clearCalls);

  it("“Write changes to Salesforce leads and contacts” off: contact changes are skipped as object_write_disabled, nothing written", async () => {
    const ws = await outboundSetup({ outbound: { writeLeadsAndContacts: false } });
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "off@example.com" }]);
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Ignored" });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ salesforceObject: "Lead", status: "completed", counts: { skipped: 1, updated: 0 } });
    const [record] = await recordsOf(ws, run.id);
    expectSkip(record, "object_write_disabled");
    expect(record.reason.message).toBe("Object write disabled");
    expect(await collectionCalls()).toEqual([]);
    expect((await sfRecord("Lead", lead!.salesforceId)).Title).toBeNull();
  });

  it("a push whose plan makes no call does not fail on opening the org (opened ahead, while the plan loads)", async () => {
    const ws = await outboundSetup({ outbound: { writeLeadsAndContacts: false } });
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "unopened@example.com" }]);
    // Tokens that cannot be read: opening the org fails, but nothing here needs it.
    await env.DB.prepare("UPDATE connections SET access_token_enc = 'unreadable' WHERE workspace_id = ?")
      .bind(ws.id)
      .run();
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Ignored" });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ status: "completed", counts: { skipped: 1, updated: 0 }, failure: null });
    expectSkip((await recordsOf(ws, run.id))[0], "object_write_disabled");
    expect(await collectionCalls()).toEqual([]);
  });

  it("“Write changes to Salesforce accounts” off: company changes are skipped as object_write_disabled", async () => {
    const ws = await outboundSetup({ outbound: { writeAccounts: false } });
    await apiJson(ws, "POST", "/companies", { name: "Not Pushed Ltd" });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ salesforceObject: "Account", counts: { skipped: 1, created: 0 } });
    expectSkip((await recordsOf(ws, run.id))[0], "object_write_disabled");
    expect(await collectionCalls()).toEqual([]);
  });

  it("creating Leads off: a contact not yet in Salesforce is skipped, a linked one still updates", async () => {
    const ws = await outboundSetup({ outbound: { createLeads: false } });
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "linked@example.com" }]);
    const fresh = await apiWithoutSend(ws, "POST", "/contacts", { email: "new@example.com", lastName: "New" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Kept in sync" });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    const skipped = (await recordsOf(ws, run.id)).find((r) => r.conversionId === fresh.id);
    expectSkip(skipped, "object_write_disabled");
    expect((await collectionCalls()).map((c) => c.op)).toEqual(["update"]);
  });

  it("no_fields_to_update: a change to an unmapped field, to an inbound-only mapping, or to a field set to “never”", async () => {
    const ws = await outboundSetup({
      fieldMappings: {
        contact: CONTACT_MAPPING({
          title: both("title", "Title", "never"),
          phone: both("phone", "Phone", "always", "inbound"),
        }),
      },
    });
    const linked = await linkedContacts(ws, "Contact", [
      { email: "u@example.com" },
      { email: "t@example.com" },
      { email: "p@example.com" },
    ]);
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[0]!.contactId}`, { userId: "user-42" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[1]!.contactId}`, { title: "Never pushed" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[2]!.contactId}`, { phone: "+1 555 0100" });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ salesforceObject: "Contact", counts: { skipped: 3, updated: 0 } });
    for (const record of await recordsOf(ws, run.id)) expectSkip(record, "no_fields_to_update");
    expect(await collectionCalls()).toEqual([]);
  });

  it("“if empty” fills only empty Salesforce fields, read with one SOQL query for the whole batch", async () => {
    const ws = await outboundSetup({
      fieldMappings: { contact: CONTACT_MAPPING({ title: both("title", "Title", "if_empty") }) },
    });
    const linked = await linkedContacts(ws, "Lead", [
      { email: "empty@example.com" },
      { email: "full@example.com" },
      { email: "both@example.com" },
    ]);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [
        { Id: linked[1]!.salesforceId, Title: "Set in Salesforce" },
        { Id: linked[2]!.salesforceId, Title: "Also set" },
      ],
    });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[0]!.contactId}`, { title: "Filled" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[1]!.contactId}`, { title: "Not over it" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked[2]!.contactId}`, {
      title: "Not this",
      firstName: "But this",
    });
    await clearCalls();
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 2, skipped: 1 });
    const records = await recordsOf(ws, run.id);
    const of = (i: number) => records.find((r) => r.conversionId === linked[i]!.contactId);
    expect(of(0)).toMatchObject({ status: "success", changes: [{ field: "Title", from: null, to: "Filled" }] });
    expectSkip(of(1), "no_fields_to_update");
    expect(of(2)).toMatchObject({ status: "success", changes: [{ field: "FirstName", from: null, to: "But this" }] });
    expect((await sfRecord("Lead", linked[0]!.salesforceId)).Title).toBe("Filled");
    expect((await sfRecord("Lead", linked[1]!.salesforceId)).Title).toBe("Set in Salesforce");
    expect(await sfRecord("Lead", linked[2]!.salesforceId)).toMatchObject({ Title: "Also set", FirstName: "But this" });
    // The write rule's read (the write's own read of Salesforce's times rides inside its Composite call).
    const queries = (await fakeCalls()).filter((c) => c.kind === "query" && !c.via);
    expect(queries).toHaveLength(1);
    expect(queries[0]!.query).toMatch(/^SELECT Id, Title FROM Lead WHERE Id IN \(/);
  });
});
