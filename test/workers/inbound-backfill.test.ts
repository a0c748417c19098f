import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, jsonInit } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  onlyObjects,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

interface Call {
  kind?: string;
  path: string;
}

async function queryCalls(): Promise<number> {
  const calls = await fake<Call[] | { calls: Call[] }>("GET", "/__fake/calls");
  const list = Array.isArray(calls) ? calls : calls.calls;
  return list.filter((c) => c.kind === "query" || c.kind === "queryMore" || c.kind === "queryAll").length;
}

describe("inbound backfill and incremental batches", () => {
  beforeEach(async () => {
    await resetFake({
      counts: {
        Lead: 120_000,
        Contact: 0,
        Account: 0,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
      // Seeded records older than the look-back: the incremental reads below find only the changes.
      seedEndsSecondsAgo: 3600,
    });
  });

  it("backfills 120,000 Leads in 3 runs of ≤50,000 fetched in 60 pages, then 7,000 changes in runs of 5,000 and 2,000", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");

    await syncNow(ws, 300_000);
    const backfill = await runsOf(ws.id);
    expect(backfill.map((r) => [r.kind, r.status, r.created])).toEqual([
      ["backfill", "completed", 50_000],
      ["backfill", "completed", 50_000],
      ["backfill", "completed", 20_000],
    ]);
    expect(await queryCalls()).toBe(60);
    const contacts = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(contacts?.n).toBe(120_000);
    for (const run of backfill) {
      expect(run.finished_at).not.toBeNull();
      expect(run.duration_ms).toBe(Date.parse(run.finished_at!) - Date.parse(run.started_at));
    }

    const { results } = await env.DB.prepare(
      "SELECT salesforce_id FROM contacts WHERE workspace_id = ? ORDER BY salesforce_id LIMIT 7000",
    )
      .bind(ws.id)
      .all<{ salesforce_id: string }>();
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: results.map((r) => ({ Id: r.salesforce_id, Title: "VP Growth" })),
    });
    await fake("DELETE", "/__fake/calls");

    await syncNow(ws);
    const incremental = (await runsOf(ws.id)).slice(3);
    expect(incremental.map((r) => [r.kind, r.status, r.updated, r.created])).toEqual([
      ["incremental", "completed", 5_000, 0],
      ["incremental", "completed", 2_000, 0],
    ]);
    // 5,000 in pages of 2,000 + 2,000 + 1,000, then one page of 2,000.
    expect(await queryCalls()).toBe(4);
    await expectCountsMatchRecords(ws.id);

    const page = await call(`/api/v1/sync/runs?direction=inbound&limit=1`, { headers: ws.auth });
    if (page.status === 200) {
      const body = (await page.json()) as { runs: { description: string; counts: Record<string, number> }[] };
      expect(body.runs[0]?.description).toBe("Synced contacts from Salesforce");
    }
    // syncNow waits up to 300 s for 120,000 records: so may the test, on a busy machine.
  }, 360_000);

  it("changes that end exactly on a batch boundary cost no extra, empty query", async () => {
    await resetFake({
      counts: {
        Lead: 10_000,
        Contact: 0,
        Account: 0,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
      // Seeded records older than the look-back: the incremental reads below find only the changes.
      seedEndsSecondsAgo: 3600,
    });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");
    await syncNow(ws, 120_000);
    // One backfill batch of 10,000: 5 pages, and totalSize already says nothing follows.
    expect(await queryCalls()).toBe(5);

    const { results } = await env.DB.prepare("SELECT salesforce_id FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ salesforce_id: string }>();
    expect(results).toHaveLength(10_000);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: results.map((r) => ({ Id: r.salesforce_id, Title: "Head of Ops" })),
    });
    await fake("DELETE", "/__fake/calls");
    await syncNow(ws, 120_000);
    const incremental = (await runsOf(ws.id)).slice(1);
    expect(incremental.map((r) => [r.kind, r.status, r.updated])).toEqual([
      ["incremental", "completed", 5_000],
      ["incremental", "completed", 5_000],
    ]);
    // 2 × ⌈5,000 / 2,000⌉: no third batch that reads nothing.
    expect(await queryCalls()).toBe(6);
    await expectCountsMatchRecords(ws.id);
  });

  it("an empty incremental sync creates no run", async () => {
    await resetFake({ counts: { Lead: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.kind, r.created])).toEqual([["backfill", 10]]);
    await expectCountsMatchRecords(ws.id);
  });

  it("Sync now without a connection is a 409", async () => {
    const { newWorkspace } = await import("./helpers");
    const ws = await newWorkspace();
    const res = await call("/api/v1/sync/inbound", jsonInit("POST", {}, ws.auth));
    expect(res.status).toBe(409);
  });
});
