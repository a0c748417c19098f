import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALL_RECORDS } from "./assert-counts";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  sfCreate,
  syncNow,
} from "./sync-helpers";

// Converted and merged records are not losses: a converted Lead's contact becomes its Contact's,
// and a merge's loser is folded into the winner's Conversion record.

type Row = Record<string, any>;

async function rows(sql: string, ...binds: unknown[]): Promise<Row[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all<Row>()
  ).results;
}

async function recordsFor(workspaceId: string, salesforceId: string): Promise<Row[]> {
  return rows(
    `SELECT r.*, x.salesforce_object AS run_object FROM ${ALL_RECORDS} r JOIN runs x ON x.id = r.run_id WHERE r.workspace_id = ? AND r.salesforce_id = ? ORDER BY r.created_at, r.seq`,
    workspaceId,
    salesforceId,
  );
}

describe("lead conversion", () => {
  it("moves the Lead's contact to the Contact it became: one contact, its history kept", async () => {
    await resetFake({ counts: NONE });
    const [leadId] = await sfCreate("Lead", [
      { FirstName: "Ada", LastName: "Convert", Company: "Analytical", Email: "ada.convert@example.com" },
    ]);
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead", "Contact"));
    await syncNow(ws);
    const [before] = await rows("SELECT * FROM contacts WHERE workspace_id = ?", ws.id);
    expect(before).toMatchObject({ salesforce_id: leadId, salesforce_object: "Lead" });

    const converted = await fake<{ contactId: string }>("POST", "/__fake/convert-lead", { leadId });
    // Before the next sync someone corrects the new Contact's email: no email ties it to the Lead any more.
    await fake("PATCH", "/__fake/records", {
      object: "Contact",
      records: [{ Id: converted.contactId, Email: "ada@analytical.example.com" }],
    });
    await syncNow(ws);

    const after = await rows("SELECT * FROM contacts WHERE workspace_id = ?", ws.id);
    expect(after, "no second contact").toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: before!.id,
      salesforce_id: converted.contactId,
      salesforce_object: "Contact",
      email: "ada@analytical.example.com",
    });
    const leadRecords = await recordsFor(ws.id, leadId!);
    expect(leadRecords.at(-1)).toMatchObject({ status: "success", action: "updated", conversion_id: before!.id });
    expect(JSON.parse(leadRecords.at(-1)!.changes)).toEqual([
      { field: "salesforceId", from: leadId, to: converted.contactId },
    ]);
    // The contact's history: the Lead's records and the Contact's, all on the one Conversion contact.
    const history = await rows(
      `SELECT salesforce_id FROM ${ALL_RECORDS} WHERE workspace_id = ? AND conversion_id = ?`,
      ws.id,
      before!.id,
    );
    expect(new Set(history.map((h) => h.salesforce_id))).toEqual(new Set([leadId, converted.contactId]));
    await expectCountsMatchRecords(ws.id);
  }, 120_000);

  it("keeps the catalogue's skip for a converted Lead Conversion never had", async () => {
    await resetFake({ counts: NONE });
    const [leadId] = await sfCreate("Lead", [{ LastName: "Late", Company: "Late Inc", Email: "late@example.com" }]);
    await fake("POST", "/__fake/convert-lead", { leadId });
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead", "Contact"));
    await syncNow(ws);
    const [record] = await recordsFor(ws.id, leadId!);
    expect(record).toMatchObject({ status: "skipped", reason_code: "lead_converted" });
    expect(await rows("SELECT email FROM contacts WHERE workspace_id = ?", ws.id)).toEqual([
      { email: "late@example.com" },
    ]);
  }, 120_000);
});

describe("merges", () => {
  it("folds a merged Contact into the winner's contact: its events move, the record says where it went", async () => {
    await resetFake({ counts: NONE });
    const [winner, loser] = await sfCreate("Contact", [
      { LastName: "Winner", Email: "winner@example.com" },
      { LastName: "Loser", Email: "loser@example.com" },
    ]);
    await sfCreate("Conversion_Event__c", [{ Event_Name__c: "Signed up", Email__c: "loser@example.com" }]);
    const ws = await connectedWorkspace({
      ...onlyObjects("Account", "Lead", "Contact", "Conversion_Event__c"),
    });
    await syncNow(ws);
    const byEmail = new Map(
      (await rows("SELECT id, email FROM contacts WHERE workspace_id = ?", ws.id)).map((c) => [c.email, c.id]),
    );
    const [event] = await rows("SELECT contact_id FROM events WHERE workspace_id = ?", ws.id);
    expect(event!.contact_id).toBe(byEmail.get("loser@example.com"));

    await fake("POST", "/__fake/merge", { object: "Contact", masterId: winner, ids: [loser] });
    await syncNow(ws);

    expect((await rows("SELECT email FROM contacts WHERE workspace_id = ?", ws.id)).map((c) => c.email)).toEqual([
      "winner@example.com",
    ]);
    const [moved] = await rows("SELECT contact_id FROM events WHERE workspace_id = ?", ws.id);
    expect(moved!.contact_id, "the loser's event now belongs to the winner").toBe(byEmail.get("winner@example.com"));
    const last = (await recordsFor(ws.id, loser!)).at(-1)!;
    expect(last).toMatchObject({
      status: "success",
      action: "deleted",
      conversion_id: byEmail.get("loser@example.com"),
    });
    expect(JSON.parse(last.changes)).toEqual([
      { field: "mergedInto", from: byEmail.get("loser@example.com"), to: byEmail.get("winner@example.com") },
    ]);
    await expectCountsMatchRecords(ws.id);
  }, 120_000);

  it("hands a merged Account's company to a winner Conversion does not have yet, instead of deleting it", async () => {
    await resetFake({ counts: NONE });
    const [loser] = await sfCreate("Account", [{ Name: "Acme (old)" }]);
    const ws = await connectedWorkspace(onlyObjects("Account"));
    await syncNow(ws);
    const [company] = await rows("SELECT id FROM companies WHERE workspace_id = ?", ws.id);
    const [winner] = await sfCreate("Account", [{ Name: "Acme" }]);
    await fake("POST", "/__fake/merge", { object: "Account", masterId: winner, ids: [loser] });
    await syncNow(ws);

    const companies = await rows("SELECT id, name, salesforce_id FROM companies WHERE workspace_id = ?", ws.id);
    expect(companies).toEqual([{ id: company!.id, name: "Acme", salesforce_id: winner }]);
    const runs = await runsOf(ws.id);
    expect(runs.reduce((n, r) => n + r.deleted, 0)).toBe(0);
    await expectCountsMatchRecords(ws.id);
  }, 120_000);
});
