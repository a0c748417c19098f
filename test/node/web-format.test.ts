import { describe, expect, it } from "vitest";
import { parseHealth } from "../../web/src/api/health";
import { formatDuration } from "../../web/src/format/duration";
import { byStartedDesc, mergeById } from "../../web/src/lib/byId";

// The page's pure helpers: what admins read as a duration, and how the health card reads the API.

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [40, "< 0.1 s"],
    [1234, "1.2 s"],
    [2000, "2 s"],
    [42_400, "42 s"],
    [184_000, "3 min 4 s"],
    [180_000, "3 min"],
    [3_900_000, "1 h 5 min"],
  ])("%s ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("run lists", () => {
  const run = (id: string, startedAt: string) => ({ id, startedAt });
  it("merges a refreshed page by id and keeps newest first", () => {
    const list = [run("b", "2026-11-29T10:00:00.000Z"), run("a", "2026-11-29T09:00:00.000Z")];
    const merged = mergeById(list, [run("c", "2026-11-29T11:00:00.000Z"), { ...run("b", "2026-11-29T10:00:00.000Z") }]);
    expect(merged.sort(byStartedDesc).map((r) => r.id)).toEqual(["c", "b", "a"]);
  });
});

describe("parseHealth", () => {
  it("reads the SyncHealth shape", () => {
    const h = parseHealth({
      lastRuns: { inbound: { id: "r1" }, outbound: null },
      last24h: { failedRuns: 2, failedRecords: 7, skippedRecords: 3 },
      topReasons: [
        {
          code: "missing_email",
          message: "Missing email address",
          explanation: "x",
          direction: "inbound",
          status: "skipped",
          count: 3,
        },
      ],
      connection: { status: "connected" },
      apiUsage: { used: 10, limit: 100, asOf: null },
      apiBudget: { used: 50, limit: 50 },
      paused: true,
      pausedReason: "This integration used 50 of its daily budget of 50 Salesforce API calls today",
    });
    expect(h.lastInbound?.id).toBe("r1");
    expect(h.lastOutbound).toBeNull();
    expect([h.failedRuns24h, h.failedRecords24h, h.skippedRecords24h]).toEqual([2, 7, 3]);
    expect(h.topReasons[0]).toMatchObject({ message: "Missing email address", action: null, count: 3 });
    expect(h.budget).toMatchObject({ used: 50, limit: 50, paused: true });
  });

  it("degrades to empty values instead of throwing on a partial answer", () => {
    const h = parseHealth({});
    expect(h).toMatchObject({ lastInbound: null, failedRuns24h: null, topReasons: [], apiUsage: null });
    expect(h.budget.paused).toBe(false);
  });
});
