// A backfill's progress on the API: records read out of Salesforce's total for the batch's window,
// and the time left, while the run is in progress; null once it is done.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./helpers";
import { connectedWorkspace, fake, onlyObjects, resetFake, settle, syncNow } from "./sync-helpers";

type Progress = { done: number; total: number; etaSeconds: number | null } | null;
type ApiRun = { id: string; status: string; progress: Progress; counts: { created: number } };
type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

/**
 * Every progress the runs list shows until the workspace's inbound runs are all done; `each` also sees
 * every in-progress run on the way.
 */
async function watchProgress(
  ws: Ws,
  timeoutMs = 90_000,
  each?: (run: ApiRun) => Promise<void>,
): Promise<{ seen: NonNullable<Progress>[]; runId: string | null }> {
  const seen: NonNullable<Progress>[] = [];
  let runId: string | null = null;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await call("/api/v1/sync/runs?direction=inbound", { headers: ws.auth })).json()) as {
      runs: ApiRun[];
    };
    const run = list.runs[0];
    if (run) {
      runId = run.id;
      if (run.status !== "in_progress") return { seen, runId };
      if (run.progress) seen.push(run.progress);
      await each?.(run);
    }
    if (Date.now() > deadline) throw new Error("the backfill did not finish");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("progress of an in-progress inbound batch", () => {
  beforeAll(async () => {
    await resetFake({
      counts: {
        Lead: 6_000,
        Account: 0,
        Contact: 0,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
    });
    // Three pages of 2,000, each answered slowly, so the run is seen between its pages.
    await fake("POST", "/__fake/faults", { latencyMs: 700 });
  });
  afterAll(async () => {
    await fake("DELETE", "/__fake/faults");
  });

  it("counts 6,000 Leads read of 6,000, with time left, then clears when the run completes", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const res = await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth });
    expect(res.status).toBe(202);
    const { seen, runId } = await watchProgress(ws, 60_000, async (run) => {
      // The single run answers the same (checked on the way).
      const one = (await (await call(`/api/v1/sync/runs/${run.id}`, { headers: ws.auth })).json()) as ApiRun;
      if (one.status === "in_progress") expect(one.progress?.total).toBe(6_000);
    });
    await settle(ws.id);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) {
      expect(p.total).toBe(6_000);
      expect(p.done).toBeGreaterThan(0);
      expect(p.done).toBeLessThan(6_000);
      expect(p.done % 2_000).toBe(0);
      expect(p.etaSeconds).toEqual(expect.any(Number));
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    // Never backwards.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    const done = (await (await call(`/api/v1/sync/runs/${runId}`, { headers: ws.auth })).json()) as ApiRun;
    expect(done.status).toBe("completed");
    expect(done.progress).toBeNull();
    expect(done.counts.created).toBe(6_000);

    // A batch's total is Salesforce's count for its window capped at the batch size: 6,000 changes
    // read in incremental batches of at most 5,000 are a run of 5,000 and a run of 1,000.
    await fake("DELETE", "/__fake/faults");
    const { results } = await env.DB.prepare("SELECT salesforce_id AS id FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ id: string }>();
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: results.map((r) => ({ Id: r.id, Title: "CTO" })),
    });
    await syncNow(ws);
    const states = await env.DB.prepare(
      "SELECT kind, state FROM runs WHERE workspace_id = ? AND kind = 'incremental' ORDER BY started_at, id",
    )
      .bind(ws.id)
      .all<{ kind: string; state: string }>();
    expect(states.results.map((r) => [JSON.parse(r.state).fetched, JSON.parse(r.state).total])).toEqual([
      [5_000, 5_000],
      [1_000, 1_000],
    ]);
  });
});

describe("progress of a batch read in time slices", () => {
  beforeAll(async () => {
    await resetFake({
      counts: {
        Lead: 6_000,
        Account: 0,
        Contact: 0,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
    });
    // The unbounded query times out: the batch reads bounded slices, whose counts are parts of the window.
    await fake("POST", "/__fake/faults", { queryTimeout: { maxRows: 2_500, object: "Lead" }, latencyMs: 300 });
  });
  afterAll(async () => {
    await fake("DELETE", "/__fake/faults");
  });

  it("never shows a slice's count as the batch's total", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    expect((await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth })).status).toBe(202);
    const { seen } = await watchProgress(ws);
    await settle(ws.id);
    for (const p of seen) expect(p.total).toBe(6_000);
    const runs = await env.DB.prepare("SELECT created, state FROM runs WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ created: number; state: string }>();
    expect(runs.results.reduce((n, r) => n + r.created, 0)).toBe(6_000);
  });
});
