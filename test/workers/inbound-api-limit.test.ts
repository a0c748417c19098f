import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";
import { connectedWorkspace, expectCountsMatchRecords, fake, NONE, onlyObjects, runsOf, settle } from "./sync-helpers";

const LIMIT = 20_000;

async function syncAttempt(ws: { id: string; auth: Record<string, string> }) {
  const res = await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth });
  await settle(ws.id);
  return res.status;
}

async function health(ws: { auth: Record<string, string> }) {
  const res = await call("/api/v1/sync/health", { headers: ws.auth });
  return (await res.json()) as {
    paused: boolean;
    apiUsage: { used: number; limit: number; asOf: string | null } | null;
    warnings: { code: string; message: string }[];
  };
}

/** As if one sync interval had passed since the org's usage was last read. */
async function ageUsageReading(workspaceId: string) {
  await env.DB.prepare("UPDATE connections SET api_as_of = ? WHERE workspace_id = ?")
    .bind(new Date(Date.now() - 10 * 60_000).toISOString(), workspaceId)
    .run();
}

async function limitsCalls() {
  return (await fake<{ kind: string }[]>("GET", "/__fake/calls")).filter((c) => c.kind === "limits").length;
}

describe("paused for the org's API limit", () => {
  it("each cycle re-reads /limits once and syncing resumes as soon as the margin is back", async () => {
    await fake("POST", "/__fake/reset", { seed: 7, defects: false, counts: { ...NONE, Lead: 5 }, dailyLimit: LIMIT });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    expect(await syncAttempt(ws)).toBe(202);

    // Other integrations used the org's day almost up, most of it 23 hours ago.
    await fake("POST", "/__fake/usage", { used: LIMIT - 60, hoursAgo: 23 });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Waiting", Company: "X", Email: "waiting@example.com" }],
    });
    // This cycle's own calls carry the usage back (Sforce-Limit-Info): from now on syncing pauses.
    expect(await syncAttempt(ws)).toBe(202);
    let h = await health(ws);
    expect(h.paused).toBe(true);
    expect(h.warnings.map((w) => w.code)).toContain("sync_paused");

    // A cycle with a fresh reading asks nothing; one an interval later reads /limits once.
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Later", Company: "X", Email: "later@example.com" }],
    });
    await fake("DELETE", "/__fake/calls");
    expect(await syncAttempt(ws)).toBe(429);
    expect(await limitsCalls()).toBe(0);
    await ageUsageReading(ws.id);
    expect(await syncAttempt(ws)).toBe(429);
    expect(await limitsCalls()).toBe(1);
    h = await health(ws);
    expect(h.paused).toBe(true);
    expect(Date.now() - Date.parse(h.apiUsage!.asOf!)).toBeLessThan(60_000);

    // An hour later the calls of 23 hours ago have left the rolling window: the next cycle syncs.
    await fake("POST", "/__fake/usage", { elapseHours: 1.5 });
    await ageUsageReading(ws.id);
    await fake("DELETE", "/__fake/calls");
    expect(await syncAttempt(ws)).toBe(202);
    expect(await limitsCalls()).toBe(1);
    h = await health(ws);
    expect(h.paused).toBe(false);
    expect(h.warnings).toEqual([]);
    const runs = await runsOf(ws.id);
    expect(runs[runs.length - 1]).toMatchObject({ kind: "incremental", status: "completed", created: 1 });
    await expectCountsMatchRecords(ws.id);
  });
});
