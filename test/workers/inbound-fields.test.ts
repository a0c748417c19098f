import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { RUN_FAILURES } from "../../worker/sync/reasons";
import { call } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

interface Warning {
  code: string;
  message: string;
  object?: string;
  field?: string;
}

async function warnings(ws: { auth: Record<string, string> }): Promise<Warning[]> {
  const res = await call("/api/v1/sync/health", { headers: ws.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { warnings: Warning[] }).warnings;
}

async function leadQueries(): Promise<string[]> {
  const calls = await fake<{ kind: string; object?: string; query?: string }[]>("GET", "/__fake/calls");
  return calls.filter((c) => c.query && c.object === "Lead").map((c) => c.query!);
}

describe("fields from describe (field-level security)", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: 40 } });
    await fake("DELETE", "/__fake/calls");
  });

  it("a hidden mapped field is left out of the query, the object keeps syncing, and a warning names it", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    expect(await warnings(ws)).toEqual([]);
    const titled = await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND title IS NOT NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(titled!.n).toBeGreaterThan(0);

    // The admin hides Title from the integration user; the cached describe ages out.
    await fake("POST", "/__fake/faults", { hiddenFields: { Lead: ["Title"] } });
    await env.DB.prepare("DELETE FROM describe_cache WHERE workspace_id = ?").bind(ws.id).run();
    const { ids } = await fake<{ ids: string[] }>("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "After", Company: "Acme", Email: "after-fls@example.com", Title: "Hidden title" }],
    });
    await fake("DELETE", "/__fake/calls");
    await syncNow(ws);

    const runs = await runsOf(ws.id);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(runs[runs.length - 1]).toMatchObject({ kind: "incremental", created: 1 });
    const queries = await leadQueries();
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q).not.toMatch(/\bTitle\b/);
    // Conversion keeps the titles it had; the new contact has none (it could not be read).
    const after = await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND title IS NOT NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(after!.n).toBe(titled!.n);
    const added = await env.DB.prepare("SELECT title FROM contacts WHERE workspace_id = ? AND salesforce_id = ?")
      .bind(ws.id, ids[0])
      .first<{ title: string | null }>();
    expect(added).toEqual({ title: null });

    const list = await warnings(ws);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ code: "field_not_readable", object: "Lead", field: "Title" });
    expect(list[0]!.message).toContain("Lead.Title");
    await expectCountsMatchRecords(ws.id);
  });

  it("a hidden field, mapped or not, is unknown, not empty: a record read again keeps Conversion's value", async () => {
    await resetFake({ counts: { ...NONE, Account: 4, Contact: 12, Opportunity: 8 } });
    const ws = await connectedWorkspace(onlyObjects("Account", "Contact", "Opportunity"));
    await syncNow(ws);
    const contactsNow = () =>
      env.DB.prepare(
        "SELECT salesforce_id, title, company_id, phone FROM contacts WHERE workspace_id = ? ORDER BY salesforce_id",
      )
        .bind(ws.id)
        .all<{ salesforce_id: string; title: string | null; company_id: string | null; phone: string | null }>()
        .then((r) => r.results);
    const opportunitiesNow = () =>
      env.DB.prepare(
        "SELECT salesforce_id, name, amount FROM opportunities WHERE workspace_id = ? ORDER BY salesforce_id",
      )
        .bind(ws.id)
        .all<{ salesforce_id: string; name: string; amount: number | null }>()
        .then((r) => r.results);
    const contacts = await contactsNow();
    const opportunities = await opportunitiesNow();
    expect(contacts.filter((c) => c.title && c.company_id).length).toBeGreaterThan(0);
    expect(opportunities.filter((o) => o.amount !== null).length).toBeGreaterThan(0);

    // Hidden from the integration user: Contact.Title (mapped), Contact.AccountId (read for the
    // contact's company, not a mapping) and Opportunity.Amount. Then every record changes otherwise.
    await fake("POST", "/__fake/faults", {
      hiddenFields: { Contact: ["Title", "AccountId"], Opportunity: ["Amount"] },
    });
    await env.DB.prepare("DELETE FROM describe_cache WHERE workspace_id = ?").bind(ws.id).run();
    await fake("PATCH", "/__fake/records", {
      object: "Contact",
      records: contacts.map((c) => ({ Id: c.salesforce_id, Phone: "+1 555 0100", Title: "Hidden title" })),
    });
    await fake("PATCH", "/__fake/records", {
      object: "Opportunity",
      records: opportunities.map((o) => ({ Id: o.salesforce_id, Name: `${o.name} (renewed)`, Amount: 1 })),
    });
    await syncNow(ws);

    const runs = await runsOf(ws.id);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(await contactsNow()).toEqual(contacts.map((c) => ({ ...c, phone: "+1 555 0100" })));
    expect(await opportunitiesNow()).toEqual(opportunities.map((o) => ({ ...o, name: `${o.name} (renewed)` })));
    expect((await warnings(ws)).map((w) => `${w.object}.${w.field}`).sort()).toEqual([
      "Contact.AccountId",
      "Contact.Title",
      "Opportunity.Amount",
    ]);
    await expectCountsMatchRecords(ws.id);
  });

  it("a hidden sync rule field fails the run: Do not sync cannot keep out records it cannot read", async () => {
    await fake("POST", "/__fake/faults", { hiddenFields: { Lead: ["Do_Not_Sync__c"] } });
    const ws = await connectedWorkspace({
      ...onlyObjects("Lead"),
      syncRules: [{ object: "Lead", field: "Do_Not_Sync__c", equals: true }],
    });
    await syncNow(ws);
    const [run] = await runsOf(ws.id);
    expect(run).toMatchObject({ status: "failed", failure_code: RUN_FAILURES.insufficient_permissions.code });
    expect(run!.failure_detail).toContain("Lead.Do_Not_Sync__c");
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(stored!.n).toBe(0);
    expect(await warnings(ws)).toEqual([
      expect.objectContaining({ code: "field_not_readable", object: "Lead", field: "Do_Not_Sync__c" }),
    ]);
  });

  it("a hidden field the sync cannot do without (the email of people) fails the run with which field and what to do", async () => {
    await fake("POST", "/__fake/faults", { hiddenFields: { Lead: ["Email"] } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const [run] = await runsOf(ws.id);
    expect(run).toMatchObject({ status: "failed", failure_code: RUN_FAILURES.insufficient_permissions.code });
    expect(run!.failure_detail).toContain("Lead.Email");
    expect(run!.failure_detail).toContain("permission set read access to Email on Lead");
    // No query named a field Salesforce would refuse.
    expect(await leadQueries()).toEqual([]);
    const res = await call(`/api/v1/sync/runs/${run!.id}`, { headers: ws.auth });
    const body = (await res.json()) as { failure: { message: string; action: string } };
    expect(body.failure).toMatchObject({
      message: RUN_FAILURES.insufficient_permissions.message,
      action: RUN_FAILURES.insufficient_permissions.action,
    });
    await expectCountsMatchRecords(ws.id);
  });
});
