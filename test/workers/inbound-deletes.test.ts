import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { ALL_RECORDS } from "./assert-counts";
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

// Every delete reaches Conversion: a backfill reads through queryAll too, so a record deleted while
// it pages is applied, and one deleted before Conversion ever had it is no error.

type SfRow = Record<string, any> & { Id: string; IsDeleted: boolean };

const sfAll = async (object: string) => (await fake<{ records: SfRow[] }>("GET", `/__fake/records/${object}`)).records;

async function linkedIds(workspaceId: string): Promise<Set<string>> {
  const { results } = await env.DB.prepare(
    "SELECT salesforce_id FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL",
  )
    .bind(workspaceId)
    .all<{ salesforce_id: string }>();
  return new Set(results.map((r) => r.salesforce_id));
}

describe("deletes during a backfill", () => {
  it("applies records deleted while a backfill pages, though later records were read past their delete", async () => {
    await resetFake({ counts: { ...NONE, Lead: 6_000 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    // A backfill in batches of 2,000 (a real one takes hours over batches of 50,000). When the
    // second batch asks, users have deleted Leads (some already applied), then an hour passed and
    // others were edited: the backfill reads the edits, so its watermark passes the deletes.
    await fake("POST", "/__fake/faults", {
      afterCalls: 1,
      then: [
        { mutateNow: { object: "Lead", deletes: 60 } },
        { advanceClockSeconds: 3_600 },
        { mutateNow: { object: "Lead", count: 40 } },
      ],
    });
    const db = dbOver(env.DB);
    const cycleId = `cyc_test_${crypto.randomUUID()}`;
    expect(await acquireLease(db, ws.id, "Lead", cycleId)).toBe(true);
    const first = await firstBatch(db, ws.id, "Lead", cycleId, []);
    await env.INBOUND_QUEUE.send({ ...first, limit: 2_000 });
    await settle(ws.id);
    await fake("DELETE", "/__fake/faults");
    await syncNow(ws);

    const deleted = (await sfAll("Lead")).filter((r) => r.IsDeleted).map((r) => r.Id);
    expect(deleted.length).toBeGreaterThan(50);
    const linked = await linkedIds(ws.id);
    const kept = deleted.filter((id) => linked.has(id));
    expect(kept, "Leads deleted in Salesforce still linked in Conversion").toEqual([]);
    await expectCountsMatchRecords(ws.id);
  }, 180_000);

  it("reads a backfill through queryAll: a record deleted before Conversion had it is neither applied nor an error", async () => {
    await resetFake({ counts: { ...NONE, Lead: 400 }, defects: true });
    const deletedBefore = (await sfAll("Lead")).filter((r) => r.IsDeleted).map((r) => r.Id);
    expect(deletedBefore.length).toBeGreaterThan(0);
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");
    await syncNow(ws);
    const calls = await fake<{ kind: string }[]>("GET", "/__fake/calls");
    expect(calls.filter((c) => c.kind === "query")).toEqual([]);
    expect(calls.filter((c) => c.kind === "queryAll").length).toBeGreaterThan(0);
    const linked = await linkedIds(ws.id);
    expect(deletedBefore.filter((id) => linked.has(id))).toEqual([]);
    const { results } = await env.DB.prepare(
      `SELECT count(*) AS n FROM ${ALL_RECORDS} WHERE workspace_id = ? AND salesforce_id IN (SELECT value FROM json_each(?))`,
    )
      .bind(ws.id, JSON.stringify(deletedBefore))
      .all<{ n: number }>();
    expect(results[0]!.n).toBe(0);
    const [run] = await runsOf(ws.id);
    expect(run).toMatchObject({ kind: "backfill", status: "completed", deleted: 0 });
  }, 120_000);
});
