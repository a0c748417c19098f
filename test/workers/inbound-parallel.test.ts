// Parallel slices (issue 16): a backfill larger than one batch is split into SystemModstamp slices,
// bounded by quantiles from COUNT() queries, and each batch reads its slices at the same time (one
// query stream each, as many as the workspace's parallelReads, by default INBOUND_SLICE_CONCURRENCY, within
// Salesforce's open-cursor limit). The watermark does not move while slices are read; when every slice is
// read it moves once, to the latest record they held, and the chain reads what changed meanwhile. The
// sliced workspace must end exactly where one REST stream reading the same org ends: same contacts, same
// watermark, every record once.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { type InboundBatchMessage, runInboundBatch } from "../../worker/sync/inbound";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { ALL_RECORDS } from "./assert-counts";
import { clearFaults, fakeCalls, setFaults } from "./connect";
import { firstShard } from "./helpers";
import { contactsOf, expectEachRecordOnce, watermarkOf } from "./lead-reads";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
} from "./sync-helpers";

const LEADS = 1_500;
// Batches smaller than the object: a backfill of several batches, the size at which slicing starts.
const BATCH = 600;

type Delivery = { m: InboundBatchMessage; attempts: number };

/**
 * Runs an object's chain message by message (the queue is the one thing stood in for: every message
 * sent is delivered here in turn); `kind` picks a backfill (no watermark yet) or the incremental after it.
 */
async function runChain(
  workspaceId: string,
  vars: Record<string, string>,
  opts: { beforeDelivery?: (d: Delivery) => Promise<void> } = {},
) {
  const db = dbOver(env.DB);
  const cycleId = `cyc_par_${crypto.randomUUID()}`;
  expect(await acquireLease(db, workspaceId, "Lead", cycleId)).toBe(true);
  const first = await firstBatch(db, workspaceId, "Lead", cycleId, []);
  const queue: InboundBatchMessage[] = [{ ...first, limit: first.kind === "backfill" ? BATCH : first.limit }];
  const delivered: Delivery[] = [];
  const stand = { send: async (m: InboundBatchMessage) => void queue.push(m) } as unknown as Queue;
  const runEnv = { ...firstShard, ...vars, INBOUND_QUEUE: stand, BACKFILL_QUEUE: stand } as typeof firstShard;
  let attempts = 1;
  while (queue.length) {
    const m = queue[0]!;
    await opts.beforeDelivery?.({ m, attempts });
    delivered.push({ m, attempts });
    const result = await runInboundBatch(runEnv, m, attempts);
    if (delivered.length > 100) throw new Error("the chain does not end");
    if ("retryDelaySeconds" in result) {
      attempts++;
      continue;
    }
    queue.shift();
    attempts = 1;
  }
  return delivered;
}

async function recordCount(workspaceId: string) {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${ALL_RECORDS} WHERE workspace_id = ?`)
    .bind(workspaceId)
    .first<{ n: number }>();
  return row!.n;
}

/** One REST stream reading the same org (no slices): what the sliced read must equal. */
async function singleStream() {
  const ws = await connectedWorkspace(onlyObjects("Lead"));
  const delivered = await runChain(ws.id, { INBOUND_SLICE_CONCURRENCY: "1" });
  expect(delivered.every((d) => !d.m.sliced)).toBe(true);
  return ws;
}

async function expectSameAsSingleStream(workspaceId: string, restId: string) {
  expect(await contactsOf(workspaceId)).toEqual(await contactsOf(restId));
  expect(await watermarkOf(workspaceId)).toEqual(await watermarkOf(restId));
  expect(await expectEachRecordOnce(workspaceId)).toBe(await expectEachRecordOnce(restId));
  const runs = await runsOf(workspaceId);
  expect(runs.every((r) => r.status === "completed" && r.kind === "backfill")).toBe(true);
  await expectCountsMatchRecords(workspaceId);
}

/** The upper SystemModstamp bounds of the REST queries of the log: one per slice. */
function sliceBounds(calls: { kind: string; query?: string }[]) {
  const bounds = calls
    .filter((c) => (c.kind === "query" || c.kind === "queryAll") && c.query && !/COUNT\(\)/i.test(c.query))
    .map((c) => /SystemModstamp <= (\S+)/.exec(c.query!)?.[1])
    .filter((b): b is string => !!b);
  return [...new Set(bounds)].sort();
}

describe("parallel slices", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS } });
  });

  it("a backfill larger than a batch reads as 3 slices joined into one watermark: every record once, as one stream reads it", async () => {
    const rest = await singleStream();
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const marks: unknown[] = [];
    const delivered = await runChain(
      ws.id,
      { INBOUND_SLICE_CONCURRENCY: "3" },
      { beforeDelivery: async () => void marks.push((await watermarkOf(ws.id))?.watermark_stamp ?? null) },
    );
    const calls = await fakeCalls();
    // Three slices (the two inner bounds, and the read's end shared by the last), from COUNT() queries.
    const counts = calls.filter((c) => /COUNT\(\)/i.test(c.query ?? ""));
    expect(counts.length).toBeGreaterThan(0);
    const sliced = delivered.filter((d) => d.m.sliced);
    expect(sliced.length).toBeGreaterThan(0);
    expect(sliced[0]!.m.sliced!.slices).toHaveLength(3);
    expect(sliceBounds(calls)).toHaveLength(3);
    // The watermark stays where it was while slices are read, and moves once they are all read.
    const slicedAt = delivered.findIndex((d) => d.m.sliced);
    const joinedAt = delivered.findIndex((d, i) => i > slicedAt && !d.m.sliced);
    expect(joinedAt).toBeGreaterThan(slicedAt);
    expect(marks.slice(0, joinedAt).every((w) => w === null)).toBe(true);
    expect(marks[joinedAt]).not.toBeNull();
    // Each batch is one run in Sync activity, none larger than the batch size.
    const runs = await runsOf(ws.id);
    expect(runs.length).toBeGreaterThanOrEqual(Math.ceil(LEADS / BATCH));
    expect(runs.every((r) => r.created + r.updated + r.deleted + r.skipped + r.failed <= BATCH)).toBe(true);
    await expectSameAsSingleStream(ws.id, rest.id);
  });

  it("a workspace's parallelReads of 2 reads its backfill as exactly 2 slices, over the deployment's default: every record once, one watermark", async () => {
    const rest = await singleStream();
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace({ ...onlyObjects("Lead"), parallelReads: 2 });
    const delivered = await runChain(ws.id, { INBOUND_SLICE_CONCURRENCY: "4" });
    const sliced = delivered.filter((d) => d.m.sliced);
    expect(sliced.length).toBeGreaterThan(0);
    expect(sliced.every((d) => d.m.sliced!.slices.length === 2)).toBe(true);
    expect(sliceBounds(await fakeCalls())).toHaveLength(2);
    await expectSameAsSingleStream(ws.id, rest.id);
  });

  it("a workspace's parallelReads of 1 reads one stream even where the deployment slices", async () => {
    const rest = await singleStream();
    const ws = await connectedWorkspace({ ...onlyObjects("Lead"), parallelReads: 1 });
    await fake("DELETE", "/__fake/calls");
    const delivered = await runChain(ws.id, { INBOUND_SLICE_CONCURRENCY: "3" });
    expect(delivered.every((d) => !d.m.sliced)).toBe(true);
    const calls = await fakeCalls();
    expect(calls.some((c) => /COUNT\(\)/i.test(c.query ?? ""))).toBe(false);
    expect(sliceBounds(calls)).toEqual([]);
    await expectSameAsSingleStream(ws.id, rest.id);
  });

  it("the slices of a batch are read at the same time, and no more of them than the setting (at most 5)", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    // Every call takes 400 ms: one stream after another would start its slices' reads ≥ 400 ms apart.
    await setFaults({ latencyModel: { callMs: 400, queryPerRecordFieldUs: 0 } });
    await fake("DELETE", "/__fake/calls");
    const delivered = await runChain(ws.id, { INBOUND_SLICE_CONCURRENCY: "50" });
    await clearFaults();
    const calls = await fakeCalls();
    const slices = delivered.find((d) => d.m.sliced)!.m.sliced!.slices;
    expect(slices.length).toBe(5);
    const firstReads = calls.filter((c) => c.kind === "queryAll" && !/COUNT\(\)/i.test(c.query ?? "")).slice(1, 6);
    const at = firstReads.map((c) => Date.parse((c as unknown as { at: string }).at));
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(300);
    expect(await expectEachRecordOnce(ws.id)).toBe(LEADS);
    await expectCountsMatchRecords(ws.id);
  });

  it("a batch whose slice fails after another slice committed a page is redelivered and resumes: every record once", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    let failed = 0;
    const records: number[] = [];
    const delivered = await runChain(
      ws.id,
      { INBOUND_SLICE_CONCURRENCY: "3" },
      {
        beforeDelivery: async ({ m, attempts }) => {
          if (m.sliced && m.batchNo === 2) records.push(await recordCount(ws.id));
          if (m.sliced && m.batchNo === 2 && attempts === 1) {
            failed++;
            // The batch's first query answers; every call after it fails (503, past the client's retries).
            await setFaults({ afterCalls: 1, then: { http503: 1000 } });
          } else await clearFaults();
        },
      },
    );
    expect(failed).toBe(1);
    expect(delivered.some((d) => d.m.batchNo === 2 && d.attempts === 2)).toBe(true);
    // The failed delivery committed a page of one slice (and not the whole batch) before it gave up.
    expect(records).toHaveLength(2);
    expect(records[1]!).toBeGreaterThan(records[0]!);
    expect(records[1]! - records[0]!).toBeLessThan(BATCH);
    expect(await expectEachRecordOnce(ws.id)).toBe(LEADS);
    expect(await watermarkOf(ws.id)).toMatchObject({ backfill_done: 1, lease_owner: null });
    expect((await runsOf(ws.id)).every((r) => r.status === "completed")).toBe(true);
    await expectCountsMatchRecords(ws.id);
  });

  it("slices Salesforce cannot answer in time (QUERY_TIMEOUT) hand over to one stream from the first slice not read: every record once", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const delivered = await runChain(
      ws.id,
      { INBOUND_SLICE_CONCURRENCY: "3" },
      {
        // After the first sliced batch, a scan of more than 150 rows times out: each slice's rest is larger.
        beforeDelivery: async ({ m }) => {
          if (m.sliced && m.batchNo === 2) await setFaults({ queryTimeout: { maxRows: 150, object: "Lead" } });
        },
      },
    );
    await clearFaults();
    expect(await expectEachRecordOnce(ws.id)).toBe(LEADS);
    const after = delivered.slice(delivered.findIndex((d) => d.m.sliced && d.m.batchNo === 2) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((d) => !d.m.sliced && d.m.reread)).toBe(true);
    expect(await watermarkOf(ws.id)).toMatchObject({ backfill_done: 1, lease_owner: null });
    expect((await runsOf(ws.id)).every((r) => r.status === "completed")).toBe(true);
    await expectCountsMatchRecords(ws.id);
  });

  it("a change made while the slices are read is caught after the join, and a later one by the next incremental", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const { records } = await fake<{ records: { Id: string; SystemModstamp: number }[] }>(
      "GET",
      "/__fake/records/Lead",
    );
    // The oldest Lead: read by the first slice's first page, before the change.
    const oldest = records.reduce((a, b) => (b.SystemModstamp < a.SystemModstamp ? b : a)).Id;
    const delivered = await runChain(
      ws.id,
      { INBOUND_SLICE_CONCURRENCY: "3" },
      {
        beforeDelivery: async ({ m }) => {
          if (m.sliced && m.batchNo === 2)
            await fake("PATCH", "/__fake/records", {
              object: "Lead",
              records: [{ Id: oldest, Title: "Changed meanwhile" }],
            });
        },
      },
    );
    expect(delivered.some((d) => d.m.sliced)).toBe(true);
    const title = async (id: string) =>
      (
        await env.DB.prepare("SELECT title FROM contacts WHERE workspace_id = ? AND salesforce_id = ?")
          .bind(ws.id, id)
          .first<{ title: string | null }>()
      )?.title;
    expect(await title(oldest)).toBe("Changed meanwhile");
    expect(await watermarkOf(ws.id)).toMatchObject({ backfill_done: 1, lease_owner: null });

    const next = records.find((r) => r.Id !== oldest)!.Id;
    await fake("PATCH", "/__fake/records", { object: "Lead", records: [{ Id: next, Title: "Changed after" }] });
    const incremental = await runChain(ws.id, { INBOUND_SLICE_CONCURRENCY: "3" });
    expect(incremental.every((d) => d.m.kind === "incremental" && !d.m.sliced)).toBe(true);
    expect(await title(next)).toBe("Changed after");
    await expectCountsMatchRecords(ws.id);
  });
});
