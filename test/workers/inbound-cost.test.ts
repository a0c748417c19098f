import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db";
import { runInboundBatch } from "../../worker/sync/inbound";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { countingD1 } from "./counting-d1";
import { connectedWorkspace, expectCountsMatchRecords, fake, onlyObjects, resetFake, runsOf } from "./sync-helpers";

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
    const db = getDb(env);
    expect(await acquireLease(db, ws.id, "Lead", "cyc_cost")).toBe(true);
    const message = await firstBatch(db, ws.id, "Lead", "cyc_cost", []);
    await fake("DELETE", "/__fake/calls");

    const { db: counted, counter } = countingD1(env.DB);
    const result = await runInboundBatch({ ...env, DB: counted }, message, 1);
    expect(result).toEqual({ done: true });

    const [run] = await runsOf(ws.id);
    expect(run).toMatchObject({ status: "completed", created: 50_000 });
    console.log(`50,000-record batch: ${counter.statements} D1 statements in ${counter.batches} batches`);
    expect(counter.statements).toBeLessThanOrEqual(200);
    const calls = await fake<{ kind: string }[]>("GET", "/__fake/calls");
    expect(calls.filter((c) => c.kind.startsWith("query"))).toHaveLength(25);
    const rows = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ?1) + (SELECT count(*) FROM run_records WHERE workspace_id = ?1) AS n",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    // Rows written per record: the contact and its run record.
    expect(rows?.n).toBe(100_000);
    await expectCountsMatchRecords(ws.id);
  });
});
