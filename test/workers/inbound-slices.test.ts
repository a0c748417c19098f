import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { type InboundBatchMessage, runInboundBatch } from "../../worker/sync/inbound";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { RUN_FAILURES } from "../../worker/sync/reasons";
import { countingD1 } from "./counting-d1";
import { firstShard } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

interface Call {
  kind: string;
  status: number;
  query?: string;
}

/**
 * Runs an object's whole chain invocation by invocation, each on its own statement counter; the
 * queue is the one thing stood in for, so every next message is delivered here, counted.
 */
async function runChain(workspaceId: string, object: string) {
  const db = dbOver(env.DB);
  const cycleId = `cyc_slices_${crypto.randomUUID()}`;
  expect(await acquireLease(db, workspaceId, object, cycleId)).toBe(true);
  const queue: InboundBatchMessage[] = [await firstBatch(db, workspaceId, object, cycleId, [])];
  const perInvocation: number[] = [];
  while (queue.length) {
    const message = queue.shift()!;
    const { db: counted, counter } = countingD1(env.DB);
    const sent = { send: async (m: InboundBatchMessage) => void queue.push(m) } as unknown as Queue;
    expect(
      await runInboundBatch({ ...firstShard, DB: counted, INBOUND_QUEUE: sent, BACKFILL_QUEUE: sent }, message, 1),
    ).toEqual({ done: true });
    perInvocation.push(counter.statements);
  }
  return perInvocation;
}

describe("bounded time slices", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: 20_000 } });
    await fake("DELETE", "/__fake/calls");
  });

  it("a large object whose unbounded query times out completes its backfill, in halved slices", async () => {
    await fake("POST", "/__fake/faults", { queryTimeout: { maxRows: 4_000, object: "Lead" } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const statements = await runChain(ws.id, "Lead");
    console.log(`slices: D1 statements per invocation ${JSON.stringify(statements)}`);
    for (const n of statements) expect(n).toBeLessThanOrEqual(1_000);

    const runs = await runsOf(ws.id);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(runs.reduce((n, r) => n + r.created, 0)).toBe(20_000);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(stored?.n).toBe(20_000);

    // A backfill reads through queryAll (deletes included), which times out as /query does.
    const calls = (await fake<Call[]>("GET", "/__fake/calls")).filter((c) => c.kind === "queryAll");
    const timedOut = calls.filter((c) => c.status === 400);
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.every((c) => c.query?.includes("FROM Lead"))).toBe(true);
    // The first query was the unbounded one; the ones that answered were bounded above.
    expect(timedOut[0]!.query).not.toContain("SystemModstamp <=");
    expect(calls.filter((c) => c.status === 200).some((c) => c.query?.includes("SystemModstamp <="))).toBe(true);
    // The backfill is done: the next cycle reads incrementally and finds nothing new.
    const state = await env.DB.prepare(
      "SELECT backfill_done FROM sync_state WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(ws.id)
      .first<{ backfill_done: number }>();
    expect(state?.backfill_done).toBe(1);
    await expectCountsMatchRecords(ws.id);
  });

  it("a slice that still times out at one second fails the run with words instead of retrying forever", async () => {
    await fake("POST", "/__fake/faults", { queryTimeout: { maxRows: 0, object: "Lead" } });
    const ws = await connectedWorkspace(onlyObjects("Lead", "Account"));
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    const lead = runs.find((r) => r.salesforce_object === "Lead")!;
    expect(lead).toMatchObject({ status: "failed", failure_code: RUN_FAILURES.unknown_error.code });
    expect(lead.failure_detail).toContain("QUERY_TIMEOUT");
    expect(lead.failure_detail).toContain("timed out reading Lead even 1 second of changes at a time");
    // Halving stopped at the floor: a bounded number of calls, never an endless retry.
    const calls = (await fake<Call[]>("GET", "/__fake/calls")).filter(
      (c) => c.kind === "query" || c.kind === "queryAll",
    );
    expect(calls.filter((c) => c.status === 400).length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThan(80);
    await expectCountsMatchRecords(ws.id);
  });
});
