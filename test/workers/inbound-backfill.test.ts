import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ALL_RECORDS } from "./assert-counts";
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
        Lead: 102_000,
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

  it("backfills 102,000 Leads in 3 runs of ≤50,000 fetched in 51 pages, then 7,000 changes in runs that count each once", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");

    await syncNow(ws, 300_000);
    const backfill = await runsOf(ws.id);
    expect(backfill.map((r) => [r.kind, r.status, r.created])).toEqual([
      ["backfill", "completed", 50_000],
      ["backfill", "completed", 50_000],
      ["backfill", "completed", 2_000],
    ]);
    // 25 + 25 pages of 2,000 fill the two full batches (no read-ahead past them), then one page of 2,000.
    expect(await queryCalls()).toBe(51);
    const contacts = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(contacts?.n).toBe(102_000);
    for (const run of backfill) {
      expect(run.finished_at).not.toBeNull();
      expect(run.duration_ms).toBe(Date.parse(run.finished_at!) - Date.parse(run.started_at));
    }

    const { results } = await env.DB.prepare(
      "SELECT salesforce_id FROM contacts WHERE workspace_id = ? ORDER BY salesforce_id LIMIT 7000",
    )
      .bind(ws.id)
      .all<{ salesforce_id: string }>();
    // The incremental read starts INBOUND_LOOKBACK_SECONDS (600) before the watermark, the newest
    // record the backfill read, to catch late commits. The seeded records stamped in those 10 minutes
    // that this test does not change are read again: they fill part of the first 5,000-record batch,
    // count as unchanged and leave no trace, so the changes split 5,000 − again / 2,000 + again.
    const patched = results.map((r) => r.salesforce_id);
    const state = await env.DB.prepare(
      "SELECT watermark_stamp FROM sync_state WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(ws.id)
      .first<{ watermark_stamp: string }>();
    const lookbackFrom = new Date(Date.parse(state!.watermark_stamp) - 600_000).toISOString();
    const again = (await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND sf_modstamp >= ? AND salesforce_id NOT IN (SELECT value FROM json_each(?))",
    )
      .bind(ws.id, lookbackFrom, JSON.stringify(patched))
      .first<{ n: number }>())!.n;
    expect(again).toBeLessThan(2_000);
    console.log(`backfill: the look-back re-reads ${again} unchanged Leads`);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: patched.map((id) => ({ Id: id, Title: "VP Growth" })),
    });
    await fake("DELETE", "/__fake/calls");

    await syncNow(ws);
    const incremental = (await runsOf(ws.id)).slice(3);
    expect(incremental.map((r) => [r.kind, r.status, r.updated, r.created])).toEqual([
      ["incremental", "completed", 5_000 - again, 0],
      ["incremental", "completed", 2_000 + again, 0],
    ]);
    // Every change counted once, across both runs, and nothing else reported.
    const reported = await env.DB.prepare(
      `SELECT count(*) AS n, count(DISTINCT r.salesforce_id) AS ids FROM ${ALL_RECORDS} r JOIN runs x ON x.id = r.run_id
       WHERE r.workspace_id = ? AND x.kind = 'incremental'`,
    )
      .bind(ws.id)
      .first<{ n: number; ids: number }>();
    expect(reported).toEqual({ n: 7_000, ids: 7_000 });
    // 5,000 in pages of 2,000 + 2,000 + 1,000, then the rest in pages of 2,000.
    expect(await queryCalls()).toBe(3 + Math.ceil((2_000 + again) / 2_000));
    await expectCountsMatchRecords(ws.id);

    const page = await call(`/api/v1/sync/runs?direction=inbound&limit=1`, { headers: ws.auth });
    if (page.status === 200) {
      const body = (await page.json()) as { runs: { description: string; counts: Record<string, number> }[] };
      expect(body.runs[0]?.description).toBe("Synced contacts from Salesforce");
    }
    // syncNow waits up to 300 s for 102,000 records: so may the test, on a busy machine.
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
