import { beforeEach, describe, expect, it } from "vitest";
import { call, jsonInit } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  recordsOf,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

async function insert(object: string, records: Record<string, unknown>[], lateBySeconds = 0): Promise<string[]> {
  return (await fake<{ ids: string[] }>("POST", "/__fake/records", { object, records, lateBySeconds })).ids;
}

/** Every run record of the workspace by Salesforce id, oldest run first. */
async function history(workspaceId: string) {
  const out = new Map<string, { status: string; reason: string | null; run: string }[]>();
  for (const run of await runsOf(workspaceId)) {
    for (const r of await recordsOf(run.id)) {
      const list = out.get(r.salesforce_id as string) ?? [];
      list.push({ status: r.status as string, reason: r.reason_code as string | null, run: run.id });
      out.set(r.salesforce_id as string, list);
    }
  }
  return out;
}

describe("dependency skips recover", () => {
  beforeEach(async () => {
    await resetFake({ counts: NONE });
  });

  it("a contact, an opportunity and a contact role skipped for a missing parent apply once the parent arrives", async () => {
    // The children were written 30 minutes ago: no look-back reads them again by chance.
    const [account] = await insert("Account", [{ Name: "Parent Co" }], 1800);
    const [contact] = await insert(
      "Contact",
      [{ LastName: "Child", Email: "child@example.com", AccountId: account }],
      1800,
    );
    const [deal] = await insert(
      "Opportunity",
      [{ Name: "Deal", StageName: "Prospecting", CloseDate: "2026-12-01", AccountId: account }],
      1800,
    );
    const [role] = await insert(
      "OpportunityContactRole",
      [{ OpportunityId: deal, ContactId: contact, Role: "Decision Maker" }],
      1800,
    );
    // Fresh records without a parent keep each object's watermark at now.
    const [loner] = await insert("Contact", [{ LastName: "Loner", Email: "loner@example.com" }]);
    const [solo] = await insert("Opportunity", [{ Name: "Solo", StageName: "Prospecting", CloseDate: "2026-12-01" }]);
    await insert("OpportunityContactRole", [{ OpportunityId: solo, ContactId: loner, Role: "Influencer" }]);
    // Accounts are not synced yet: every child waits for its parent, honestly skipped.
    const ws = await connectedWorkspace(onlyObjects("Contact", "Opportunity", "OpportunityContactRole"));
    await syncNow(ws);
    let seen = await history(ws.id);
    expect(seen.get(contact!)).toEqual([
      expect.objectContaining({ status: "skipped", reason: "no_account_association" }),
    ]);
    expect(seen.get(deal!)).toEqual([expect.objectContaining({ status: "skipped", reason: "no_account_association" })]);
    expect(seen.get(role!)).toEqual([expect.objectContaining({ status: "skipped", reason: "opportunity_not_found" })]);

    // A cycle where the parent is still missing reports nothing again.
    await syncNow(ws);
    expect((await history(ws.id)).get(deal!)).toHaveLength(1);

    // The account arrives (its object is switched on); none of the children changed in Salesforce.
    const res = await call(
      "/api/v1/settings",
      jsonInit("PATCH", onlyObjects("Account", "Contact", "Opportunity", "OpportunityContactRole"), ws.auth),
    );
    expect(res.status).toBe(200);
    await syncNow(ws);
    seen = await history(ws.id);
    for (const id of [contact!, deal!, role!]) {
      const entries = seen.get(id)!;
      // The first run keeps its honest skip; the next cycle applied the record.
      expect(entries[0]!.status).toBe("skipped");
      expect(entries[entries.length - 1]).toMatchObject({ status: "success" });
      expect(entries[entries.length - 1]!.run).not.toBe(entries[0]!.run);
    }
    await expectCountsMatchRecords(ws.id);
  });
});
