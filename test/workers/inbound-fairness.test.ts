import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";
import { until } from "./outbound.fixtures";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  settle,
  syncNow,
} from "./sync-helpers";

// A small workspace's incremental cycle while big workspaces backfill: through the real queues, its
// change must not wait for their backfills (one queue, first in first out, made it wait for all).

const BIG = 4;
const LEADS = 8_000;

async function startCycle(ws: { auth: Record<string, string> }) {
  const res = await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(202);
}

/** Big workspaces with a backfill lease held or a run in progress. */
async function backfilling(ids: string[]): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT count(DISTINCT w.value) AS n FROM json_each(?1) w
     WHERE EXISTS (SELECT 1 FROM sync_state s WHERE s.workspace_id = w.value AND s.lease_owner IS NOT NULL)
        OR EXISTS (SELECT 1 FROM runs r WHERE r.workspace_id = w.value AND r.status = 'in_progress')`,
  )
    .bind(JSON.stringify(ids))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("inbound fairness between workspaces", () => {
  it("a small workspace's change arrives within one interval while big workspaces backfill, without waiting for them", async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS, Account: 5 }, seedEndsSecondsAgo: 3600 });
    const small = await connectedWorkspace({ ...onlyObjects("Account"), syncIntervalMinutes: 1 });
    await syncNow(small);
    const bigs = [];
    for (let i = 0; i < BIG; i++) bigs.push(await connectedWorkspace(onlyObjects("Lead")));
    const ids = bigs.map((w) => w.id);
    const { records } = await fake<{ records: { Id: string }[] }>("GET", "/__fake/records/Account");
    const name = "Renamed during the backfills";

    for (const ws of bigs) await startCycle(ws);
    await until("a backfill under way", async () => (await backfilling(ids)) === BIG);
    // The change, then the small workspace's cycle (what the cron starts when its interval is up).
    await fake("PATCH", "/__fake/records", { object: "Account", records: [{ Id: records[0]!.Id, Name: name }] });
    const changedAt = Date.now();
    await startCycle(small);
    await until(
      "the small workspace's change",
      async () => {
        const row = await env.DB.prepare("SELECT count(*) AS n FROM companies WHERE workspace_id = ? AND name = ?")
          .bind(small.id, name)
          .first<{ n: number }>();
        return row!.n === 1;
      },
      60_000,
    );
    const latencyMs = Date.now() - changedAt;
    const stillBackfilling = await backfilling(ids);
    console.log(
      `fairness: the small change took ${latencyMs} ms; ${stillBackfilling} of ${BIG} backfills still running`,
    );
    // It did not wait behind the backfills queued before it, and it came within one sync interval.
    expect(stillBackfilling).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(60_000);

    for (const id of ids) await settle(id, 300_000);
    for (const id of ids) {
      const runs = await runsOf(id);
      expect(runs.reduce((n, r) => n + r.created, 0)).toBe(LEADS);
      expect(runs.every((r) => r.kind === "backfill" && r.status === "completed")).toBe(true);
      await expectCountsMatchRecords(id);
    }
    const smallRuns = await runsOf(small.id);
    expect(smallRuns.at(-1)).toMatchObject({ kind: "incremental", status: "completed", updated: 1 });
    await expectCountsMatchRecords(small.id);
  });
});
