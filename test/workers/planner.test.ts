import { describe, expect, it } from "vitest";
import { dueWorkspaces } from "../../worker/sync/inbound";
import { firstShard } from "./helpers";
import { cronTick, until } from "./outbound.fixtures";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  onlyObjects,
  resetFake,
  runsOf,
  settle,
} from "./sync-helpers";

describe("the cron planner", () => {
  it("plans a connected workspace once its interval has passed, and not again before", async () => {
    await resetFake({
      counts: { Lead: 30, Contact: 0, Account: 5, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const ws = await connectedWorkspace({ ...onlyObjects("Account", "Lead"), syncIntervalMinutes: 15 });
    expect(await dueWorkspaces(firstShard, Date.now())).toContain(ws.id);

    await cronTick();
    // The tick only queues the planning; wait for the cycle it starts.
    await until("the planned cycle", async () => (await runsOf(ws.id)).length >= 2);
    await settle(ws.id);
    expect((await runsOf(ws.id)).map((r) => [r.salesforce_object, r.kind, r.created])).toEqual([
      ["Account", "backfill", 5],
      ["Lead", "backfill", 30],
    ]);
    expect(await dueWorkspaces(firstShard, Date.now())).not.toContain(ws.id);
    expect(await dueWorkspaces(firstShard, Date.now() + 15 * 60_000)).toContain(ws.id);

    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Late", Company: "X", Email: "late@example.com" }],
    });
    await cronTick();
    await settle(ws.id);
    expect(await runsOf(ws.id)).toHaveLength(2);
    await expectCountsMatchRecords(ws.id);
  });
});
