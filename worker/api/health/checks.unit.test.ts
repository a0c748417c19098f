import { describe, expect, it } from "vitest";
import { inboundChecks } from "./checks";

const settings: Parameters<typeof inboundChecks>[1] = {
  eventObject: "Conversion_Event__c",
  syncIntervalMinutes: 5,
  objects: {
    Account: { enabled: true, writeMode: "create_or_update" },
    Lead: { enabled: true, writeMode: "create_or_update" },
    Contact: { enabled: false, writeMode: "create_or_update" },
    Opportunity: { enabled: false, writeMode: "create_or_update" },
    OpportunityContactRole: { enabled: false, writeMode: "create_or_update" },
    Conversion_Event__c: { enabled: true, writeMode: "create_or_update" },
  },
};

const row = (salesforceObject: string, over: Record<string, string | null> = {}) => ({
  salesforceObject,
  lastCheckedAt: null,
  watermarkReadAt: null,
  lastPlannedAt: null,
  leaseOwner: null,
  leaseExpiresAt: null,
  ...over,
});

const NOW = Date.parse("2026-11-29T10:20:30.000Z");
const connected = { status: "connected" as const };

describe("inbound checks: last checked and next check per object", () => {
  it("lists the enabled objects in cycle order, the event object last", () => {
    const checks = inboundChecks([], settings, connected, NOW);
    expect(checks.map((c) => [c.salesforceObject, c.objectType])).toEqual([
      ["Account", "company"],
      ["Lead", "contact"],
      ["Conversion_Event__c", "event"],
    ]);
  });

  it("never planned: the next cron tick; then the interval after the last planned cycle, on a whole minute", () => {
    expect(inboundChecks([], settings, connected, NOW)[0]!.nextCheckAt).toBe("2026-11-29T10:21:00.000Z");
    const planned = [
      row("Account", { lastPlannedAt: "2026-11-29T10:18:00.400Z", lastCheckedAt: "2026-11-29T10:18:04.000Z" }),
      row("Lead", { lastPlannedAt: "2026-11-29T10:18:00.400Z", lastCheckedAt: "2026-11-29T10:18:09.000Z" }),
    ];
    const checks = inboundChecks(planned, settings, connected, NOW);
    // Due at 10:22:55.4 (5 minutes less the planner's 5 s slack): the tick at 10:23 plans it.
    expect(checks.map((c) => c.nextCheckAt)).toEqual(Array(3).fill("2026-11-29T10:23:00.000Z"));
    expect(checks.map((c) => c.lastCheckedAt)).toEqual(["2026-11-29T10:18:04.000Z", "2026-11-29T10:18:09.000Z", null]);
  });

  it("overdue (the cron has not ticked yet): the next tick, never a time in the past", () => {
    const old = [row("Account", { lastPlannedAt: "2026-11-29T09:00:00.000Z" })];
    expect(inboundChecks(old, settings, connected, NOW)[0]!.nextCheckAt).toBe("2026-11-29T10:21:00.000Z");
  });

  it("says which object is being checked now (a lease that has not expired)", () => {
    const rows = [
      row("Account", { leaseOwner: "cyc_1", leaseExpiresAt: "2026-11-29T10:30:00.000Z" }),
      row("Lead", { leaseOwner: "cyc_0", leaseExpiresAt: "2026-11-29T10:00:00.000Z" }),
    ];
    expect(inboundChecks(rows, settings, connected, NOW).map((c) => c.checking)).toEqual([true, false, false]);
  });

  it("falls back to the last page read for objects checked before the column existed", () => {
    const rows = [row("Lead", { watermarkReadAt: "2026-11-28T08:00:00.000Z" })];
    expect(inboundChecks(rows, settings, connected, NOW)[1]!.lastCheckedAt).toBe("2026-11-28T08:00:00.000Z");
  });

  it("has no next check while Salesforce is not connected or needs reconnecting", () => {
    for (const c of [undefined, { status: "needs_reconnect" as const }])
      expect(inboundChecks([], settings, c, NOW).every((x) => x.nextCheckAt === null)).toBe(true);
  });
});
