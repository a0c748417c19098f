// "Last checked … · next check in …": a cycle that reads an object to the end marks it checked, also
// when Salesforce had nothing new (no run at all), and health says when the next check is due.
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "./helpers";
import { connectedWorkspace, onlyObjects, resetFake, runsOf, syncNow } from "./sync-helpers";

type Check = { salesforceObject: string; lastCheckedAt: string | null; nextCheckAt: string | null; checking: boolean };

async function checks(ws: { auth: Record<string, string> }): Promise<Check[]> {
  const res = await call("/api/v1/sync/health", { headers: ws.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { inboundChecks: Check[] }).inboundChecks;
}

describe("inbound checks in health", () => {
  beforeAll(async () => {
    await resetFake({
      counts: { Account: 30, Lead: 40, Contact: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
  });

  it("marks each object checked when its chain finishes, with or without changes", async () => {
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead"));
    const before = await checks(ws);
    expect(before.map((c) => [c.salesforceObject, c.lastCheckedAt, c.checking])).toEqual([
      ["Account", null, false],
      ["Lead", null, false],
    ]);
    // Never planned: the next cron tick (within a minute).
    const next = Date.parse(before[0]!.nextCheckAt!);
    expect(next).toBeGreaterThan(Date.now() - 1000);
    expect(next).toBeLessThanOrEqual(Date.now() + 60_000);

    const t0 = Date.now();
    await syncNow(ws);
    const first = await checks(ws);
    for (const c of first) {
      expect(Date.parse(c.lastCheckedAt!)).toBeGreaterThanOrEqual(t0 - 1000);
      expect(c.checking).toBe(false);
      // Planned just now, interval 5 minutes: due on a whole minute 4–6 minutes from now.
      const due = Date.parse(c.nextCheckAt!);
      expect(due % 60_000).toBe(0);
      expect(due - Date.now()).toBeGreaterThan(3.5 * 60_000);
      expect(due - Date.now()).toBeLessThanOrEqual(6 * 60_000);
    }
    const runs = (await runsOf(ws.id)).length;

    // Nothing changed in Salesforce: no new run, but both objects were checked again.
    await new Promise((r) => setTimeout(r, 20));
    await syncNow(ws);
    expect((await runsOf(ws.id)).length).toBe(runs);
    const second = await checks(ws);
    for (let i = 0; i < second.length; i++)
      expect(Date.parse(second[i]!.lastCheckedAt!)).toBeGreaterThan(Date.parse(first[i]!.lastCheckedAt!));
  });
});
