import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  apiJson,
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

describe("outbound push", () => {
  beforeEach(clearCalls);

  it("a new company and contact reach Salesforce as an Account and a Lead within seconds, ids stored back", async () => {
    const ws = await outboundSetup();
    const started = Date.now();
    const company = await apiJson(ws, "POST", "/companies", {
      name: "Analytical Engines",
      domain: "engines.example.com",
      industry: "Technology",
    });
    const contact = await apiJson(ws, "POST", "/contacts", {
      email: "ada@engines.example.com",
      firstName: "Ada",
      lastName: "Lovelace",
      companyId: company.id,
    });
    const runs = await pushed(ws, 2);
    const latencyMs = Date.now() - started;
    console.log(`outbound latency (two API writes → both pushes committed): ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(10_000);

    const byObject = Object.fromEntries(runs.map((r) => [r.salesforceObject, r]));
    expect(byObject.Account).toMatchObject({
      kind: "push",
      objectType: "company",
      status: "completed",
      counts: { created: 1, updated: 0, skipped: 0, failed: 0 },
    });
    expect(byObject.Lead).toMatchObject({
      kind: "push",
      objectType: "contact",
      status: "completed",
      counts: { created: 1 },
    });
    expect(byObject.Lead.description).toBe("Pushed contact updates to Salesforce");

    const ct = await apiJson(ws, "GET", `/contacts/${contact.id}`);
    const co = await apiJson(ws, "GET", `/companies/${company.id}`);
    expect(ct.salesforceId).toMatch(/^00Q/);
    expect(ct.salesforceObject).toBe("Lead");
    expect(co.salesforceId).toMatch(/^001/);
    // Only the link changed: everything the user wrote is as they wrote it.
    expect(ct).toMatchObject({
      email: contact.email,
      firstName: "Ada",
      lastName: "Lovelace",
      updatedAt: contact.updatedAt,
    });

    const lead = await sfRecord("Lead", ct.salesforceId);
    expect(lead).toMatchObject({
      Email: "ada@engines.example.com",
      FirstName: "Ada",
      LastName: "Lovelace",
      Company: "Analytical Engines",
    });
    expect(await sfRecord("Account", co.salesforceId)).toMatchObject({
      Name: "Analytical Engines",
      Website: "engines.example.com",
      Industry: "Technology",
    });

    const [record] = await recordsOf(ws, byObject.Lead.id);
    expect(record).toMatchObject({
      status: "success",
      action: "created",
      salesforceId: ct.salesforceId,
      conversionId: contact.id,
      label: "Ada Lovelace <ada@engines.example.com>",
      reason: null,
    });
    expect(record.changes).toEqual(
      expect.arrayContaining([
        { field: "Email", from: null, to: "ada@engines.example.com" },
        { field: "Company", from: null, to: "Analytical Engines" },
      ]),
    );
  });

  it("a Lead without a last name or company gets Salesforce's required fields as “[not provided]”", async () => {
    const ws = await outboundSetup();
    const contact = await apiJson(ws, "POST", "/contacts", { email: "anon@example.com" });
    await pushed(ws, 1);
    const lead = await sfRecord("Lead", (await apiJson(ws, "GET", `/contacts/${contact.id}`)).salesforceId);
    expect(lead).toMatchObject({ Email: "anon@example.com", LastName: "[not provided]", Company: "[not provided]" });
  });

  it("changes to Lead- and Contact-linked contacts update those records: one run per Salesforce object, only changed fields", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "l@example.com", firstName: "Lee" }]);
    const [person] = await linkedContacts(ws, "Contact", [{ email: "c@example.com", firstName: "Cee" }]);
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "CTO" });
    await apiJson(ws, "PATCH", `/contacts/${person!.contactId}`, { phone: "+44 20 7946 0000", lastName: "Changed" });
    const runs = await pushed(ws, 2);
    expect(runs.map((r) => [r.salesforceObject, r.counts.updated]).sort()).toEqual([
      ["Contact", 1],
      ["Lead", 1],
    ]);

    expect(await sfRecord("Lead", lead!.salesforceId)).toMatchObject({
      Title: "CTO",
      FirstName: "Lee",
      LastName: "Linked",
    });
    expect(await sfRecord("Contact", person!.salesforceId)).toMatchObject({
      Phone: "+44 20 7946 0000",
      LastName: "Changed",
      FirstName: "Cee",
    });
    const updates = (await collectionCalls()).filter((c) => c.op === "update");
    expect(updates.map((c) => [c.object, c.records]).sort()).toEqual([
      ["Contact", 1],
      ["Lead", 1],
    ]);
    const leadRun = runs.find((r) => r.salesforceObject === "Lead")!;
    expect((await recordsOf(ws, leadRun.id))[0].changes).toEqual([{ field: "Title", from: null, to: "CTO" }]);
  });

  it("a changed company pushes its changed fields to the linked Account; a Contact follows its company's Account", async () => {
    const ws = await outboundSetup();
    const company = await apiJson(ws, "POST", "/companies", { name: "Babbage & Co" });
    const [person] = await linkedContacts(ws, "Contact", [{ email: "cb@example.com" }]);
    await pushed(ws, 1);
    const accountId = (await apiJson(ws, "GET", `/companies/${company.id}`)).salesforceId;
    await apiJson(ws, "PATCH", `/companies/${company.id}`, { industry: "Banking" });
    await apiJson(ws, "PATCH", `/contacts/${person!.contactId}`, { companyId: company.id });
    const runs = await pushed(ws, 3);
    expect(
      runs
        .slice(1)
        .map((r) => [r.salesforceObject, r.counts.updated])
        .sort(),
    ).toEqual([
      ["Account", 1],
      ["Contact", 1],
    ]);
    expect(await sfRecord("Account", accountId)).toMatchObject({ Name: "Babbage & Co", Industry: "Banking" });
    expect((await sfRecord("Contact", person!.salesforceId)).AccountId).toBe(accountId);
  });

  it("deleting in Conversion never deletes in Salesforce, and leaves no run record", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "keep@example.com" }]);
    await apiJson(ws, "DELETE", `/contacts/${lead!.contactId}`);
    await pushed(ws, 0);
    const row = await env.DB.prepare("SELECT processed_at, run_id FROM outbox WHERE entity_id = ?")
      .bind(lead!.contactId)
      .first<Record<string, string>>();
    expect(row!.processed_at).toEqual(expect.any(String));
    expect(row!.run_id).toBeNull();
    expect((await sfRecord("Lead", lead!.salesforceId)).IsDeleted).toBe(false);
    expect((await fakeCalls()).filter((c) => c.method === "DELETE")).toEqual([]);
  });

  it("450 changed contacts go out in exactly three calls of 200 + 200 + 50, each call its own run", async () => {
    const ws = await outboundSetup();
    const people = Array.from({ length: 450 }, (_, i) => ({ email: `bulk${i}@example.com` }));
    const linked = await linkedContacts(ws, "Lead", people);
    // The changes as API writes leave them (entity + outbox row) whose queue sends never happened:
    // the cron sweep sends all of them, and the first consumer batch takes the lot.
    const change = env.DB.prepare("UPDATE contacts SET title = ? WHERE id = ?");
    // Written a few seconds ago, as rows the sweep resends are: the burst is over, nothing waits for more.
    const outbox = env.DB.prepare(
      "INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at) VALUES (?, ?, 'contact', ?, 'upsert', '[\"title\"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds'))",
    );
    await env.DB.batch(
      linked.flatMap((l, i) => [
        change.bind(`Title ${i}`, l.contactId),
        outbox.bind(`obx_bulk_${i}`, ws.id, l.contactId),
      ]),
    );
    await clearCalls();
    await cronTick();
    const runs = await pushed(ws, 3);
    expect(runs.map((r) => [r.status, r.counts.updated]).sort()).toEqual([
      ["completed", 200],
      ["completed", 200],
      ["completed", 50],
    ]);
    const writes = await collectionCalls();
    expect(writes.map((c) => [c.op, c.object, c.records])).toEqual([
      ["update", "Lead", 200],
      ["update", "Lead", 200],
      ["update", "Lead", 50],
    ]);
    expect((await sfRecord("Lead", linked[449]!.salesforceId)).Title).toBe("Title 449");
  });
});
