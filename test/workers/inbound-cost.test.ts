import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { runInboundBatch } from "../../worker/sync/inbound";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { countingD1 } from "./counting-d1";
import { firstShard } from "./helpers";
import { connectedWorkspace, expectCountsMatchRecords, fake, onlyObjects, resetFake, runsOf } from "./sync-helpers";

// A contact is 3 D1 rows: its row (WITHOUT ROWID, keyed by workspace and id, so its own id index),
// its email and its Salesforce id (the list walks the primary key: time-ordered ids). A page row and
// the run's progress are shared by a page's 2,000 records: 194 rows for 50,000, 0.004 each.
// (5.00 before migration 0014: the id's autoindex and the list's (workspace_id, created_at, id).)
const ROWS_PER_RECORD = 3.005;

describe("the cost of one inbound batch", () => {
  it("a 50,000-record backfill batch stays far under D1's 1,000 queries and makes ⌈n / 2,000⌉ Salesforce calls", async () => {
    await resetFake({
      counts: {
        Lead: 50_000,
        Contact: 0,
        Account: 0,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
    });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const db = dbOver(env.DB);
    expect(await acquireLease(db, ws.id, "Lead", "cyc_cost")).toBe(true);
    const message = await firstBatch(db, ws.id, "Lead", "cyc_cost", []);
    await fake("DELETE", "/__fake/calls");

    const { db: counted, counter } = countingD1(env.DB);
    const result = await runInboundBatch({ ...firstShard, DB: counted }, message, 1);
    expect(result).toEqual({ done: true });

    const [run] = await runsOf(ws.id);
    expect(run).toMatchObject({ status: "completed", created: 50_000 });
    console.log(`50,000-record batch: ${counter.statements} D1 statements in ${counter.batches} batches`);
    expect(counter.statements).toBeLessThanOrEqual(200);
    const calls = await fake<{ kind: string }[]>("GET", "/__fake/calls");
    expect(calls.filter((c) => c.kind.startsWith("query"))).toHaveLength(25);
    // Rows written per record as D1 meters them (every index entry): the contact with its lookup
    // indexes; its run record is a share of a page row (its history is a ref on the contact).
    const perRecord = counter.rowsWritten / 50_000;
    console.log(`50,000-record batch: ${counter.rowsWritten} D1 rows written, ${perRecord.toFixed(4)} per record`);
    expect(perRecord).toBeLessThanOrEqual(ROWS_PER_RECORD);
    const pages = await env.DB.prepare(
      "SELECT count(*) AS n, sum(created) AS created FROM run_pages WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .first<{ n: number; created: number }>();
    expect(pages).toEqual({ n: 100, created: 50_000 });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM run_records WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(rows?.n, "no record keeps a row of its own").toBe(0);
    await expectCountsMatchRecords(ws.id);
  });
});
