// Large reads through Bulk API 2.0 query jobs, end to end against the fake org: the first REST page
// says the window is large, a queryAll job is made and polled by delayed messages, its results are
// read set by set along the Sforce-Locator chain into the same runs and pages as REST, and a failed
// job or an object without Bulk falls back to REST. The Bulk workspace must end exactly where a
// REST-only workspace reading the same org ends.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { openSalesforce } from "../../worker/salesforce";
import { type InboundBatchMessage, runInboundBatch } from "../../worker/sync/inbound";
import { pollDelaySeconds } from "../../worker/sync/inbound/bulk";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { ALL_RECORDS } from "./assert-counts";
import { fakeCalls, setFaults } from "./connect";
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
// Small batches so that one job's results span several batches (runs).
const BATCH = 600;
// A batch (and results set) larger than a page, cut after its first page was committed.
const BIG = 2_500;
const CUT = 2_200;

/**
 * Runs an object's chain message by message; the queue is the one thing stood in for: every message
 * sent (and the delay it asked for) is recorded and delivered here at once.
 */
async function runChain(
  workspaceId: string,
  vars: Record<string, string>,
  opts: { limit?: number; beforeDelivery?: (m: InboundBatchMessage, attempts: number) => Promise<void> } = {},
) {
  const db = dbOver(env.DB);
  const cycleId = `cyc_bulk_${crypto.randomUUID()}`;
  expect(await acquireLease(db, workspaceId, "Lead", cycleId)).toBe(true);
  const first = await firstBatch(db, workspaceId, "Lead", cycleId, []);
  const queue: InboundBatchMessage[] = [{ ...first, limit: opts.limit ?? BATCH }];
  const sent: { bulk: boolean; complete: boolean; delay: number; batchNo: number }[] = [];
  const stand = {
    send: async (m: InboundBatchMessage, opts?: { delaySeconds?: number }) => {
      sent.push({
        bulk: !!m.bulk,
        complete: !!m.bulk?.complete,
        delay: opts?.delaySeconds ?? 0,
        batchNo: m.batchNo,
      });
      queue.push(m);
    },
  } as unknown as Queue;
  const runEnv = { ...firstShard, ...vars, INBOUND_QUEUE: stand, BACKFILL_QUEUE: stand } as typeof firstShard;
  let invocations = 0;
  let attempts = 1;
  while (queue.length) {
    const m = queue[0]!;
    await opts.beforeDelivery?.(m, attempts);
    const result = await runInboundBatch(runEnv, m, attempts);
    if (++invocations > 100) throw new Error("the chain does not end");
    // A retry is the same message delivered again, as the queue does.
    if ("retryDelaySeconds" in result) {
      attempts++;
      continue;
    }
    queue.shift();
    attempts = 1;
  }
  return sent;
}

/** A REST-only workspace reading the same org: what the Bulk read must equal. */
async function restBaseline(limit?: number) {
  const ws = await connectedWorkspace(onlyObjects("Lead"));
  await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "off" }, { limit });
  return ws;
}

/** The Bulk workspace ended where REST ended: contacts, watermark, each record in one run, counts = records. */
async function expectSameAsRest(workspaceId: string, restId: string) {
  expect(await contactsOf(workspaceId)).toEqual(await contactsOf(restId));
  expect(await watermarkOf(workspaceId)).toEqual(await watermarkOf(restId));
  expect(await expectEachRecordOnce(workspaceId)).toBe(await expectEachRecordOnce(restId));
  expect((await runsOf(workspaceId)).every((r) => r.status === "completed")).toBe(true);
  await expectCountsMatchRecords(workspaceId);
}

/** Deletes a Bulk job through the org's API, as an admin (or Salesforce, 7 days on) does. */
async function deleteJob(workspaceId: string, jobId: string) {
  const sf = await openSalesforce(firstShard, workspaceId);
  await sf.deleteQueryJob(jobId);
}

describe("Bulk API 2.0 reads", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS } });
  });

  it("a large backfill reads through a queryAll job: polled by delayed messages, results along the locator chain, equal to REST", async () => {
    // Values CSV must carry: quotes, commas, line breaks, and nulls apart from text.
    const { records } = await fake<{ records: { Id: string }[] }>("GET", "/__fake/records/Lead");
    const odd = records.slice(0, 4).map((r) => r.Id);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [
        { Id: odd[0], LastName: 'O"Brien, "Jr."', Title: "VP, Sales" },
        { Id: odd[1], LastName: "Line one\nline two", Title: null },
        { Id: odd[2], FirstName: "", LastName: "Comma,Separated", Phone: null },
        { Id: odd[3], Title: '"quoted"\r\nand more' },
      ],
    });
    const rest = await restBaseline();
    await setFaults({ bulk: { pollsUntilComplete: 3 } });
    await fake("DELETE", "/__fake/calls");

    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const sent = await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "500" });

    // Polled four times (three InProgress answers), each by a delayed message (a young job: every second).
    const polls = sent.filter((s) => s.bulk && !s.complete);
    expect(polls.map((s) => s.delay)).toEqual([1, 1, 1, 1]);
    const calls = await fakeCalls();
    const kinds = (k: string) => calls.filter((c) => c.kind === k);
    expect(kinds("bulkCreate").length).toBe(1);
    expect(kinds("bulkCreate")[0]!.status).toBe(200);
    expect(kinds("bulkJob").length).toBe(4);
    // 1,500 records in batches of 600: sets of 600, 600 and 300, one locator after another.
    const sets = kinds("bulkResults");
    expect(sets.map((c) => c.records)).toEqual([600, 600, 300]);
    expect(sets[0]!.path).not.toContain("locator=");
    expect(sets[1]!.path).toContain("locator=");
    // REST read one page to learn the window is large, and after the job what changed since it was made.
    expect(calls.filter((c) => c.kind.startsWith("query")).length).toBe(2);

    // The same contacts, values and watermark as REST; every record in one run only; counts equal records.
    expect(await contactsOf(ws.id)).toEqual(await contactsOf(rest.id));
    const written = await contactsOf(ws.id);
    const byId = new Map(written.map((c) => [c.salesforce_id, c]));
    expect(byId.get(odd[0]!)).toMatchObject({ last_name: 'O"Brien, "Jr."', title: "VP, Sales" });
    expect(byId.get(odd[1]!)).toMatchObject({ last_name: "Line one\nline two", title: null });
    expect(byId.get(odd[3]!)).toMatchObject({ title: '"quoted"\r\nand more' });
    const mark = await watermarkOf(ws.id);
    const restMark = await watermarkOf(rest.id);
    expect(mark).toEqual(restMark);
    expect(mark).toMatchObject({ backfill_done: 1, lease_owner: null });
    const runs = await runsOf(ws.id);
    expect(runs.every((r) => r.status === "completed" && r.kind === "backfill")).toBe(true);
    // The batches of the job's results: one run each, at most the batch size.
    expect(runs.length).toBe(3);
    const total = await expectEachRecordOnce(ws.id);
    expect(total).toBe(await expectEachRecordOnce(rest.id));
    const sum = (rs: typeof runs) =>
      rs.reduce((n, r) => n + r.created + r.updated + r.deleted + r.skipped + r.failed, 0);
    expect(sum(runs)).toBe(total);
    expect(sum(await runsOf(rest.id))).toBe(total);
    await expectCountsMatchRecords(ws.id);
  });

  it("a job that fails falls back to REST for the rest of the chain, and reads every record once", async () => {
    const rest = await restBaseline();
    await setFaults({ bulk: { failJobs: 1, pollsUntilComplete: 1 } });
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "500" });
    const calls = await fakeCalls();
    expect(calls.filter((c) => c.kind === "bulkCreate").length).toBe(1);
    expect(calls.filter((c) => c.kind === "bulkResults").length).toBe(0);
    expect(await contactsOf(ws.id)).toEqual(await contactsOf(rest.id));
    expect(await watermarkOf(ws.id)).toEqual(await watermarkOf(rest.id));
    expect(await expectEachRecordOnce(ws.id)).toBe(await expectEachRecordOnce(rest.id));
    expect((await runsOf(ws.id)).every((r) => r.status === "completed")).toBe(true);
    await expectCountsMatchRecords(ws.id);
  });

  it("a batch redelivered after its results download was cut resumes inside the set: each record once, as REST", async () => {
    await resetFake({ counts: { ...NONE, Lead: BIG }, defects: true });
    const rest = await restBaseline(BIG);
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");
    let cut = false;
    await runChain(
      ws.id,
      { INBOUND_BULK_THRESHOLD: "500" },
      {
        limit: BIG,
        beforeDelivery: async (m) => {
          // The first results download ends after 2,200 of its 2,500 records: one page of 2,000 is committed.
          if (m.bulk && !cut) {
            cut = true;
            await setFaults({ bulk: { cutResultsAfter: CUT } });
          }
        },
      },
    );
    const sets = (await fakeCalls()).filter((c) => c.kind === "bulkResults");
    // The cut set, then the same set (same locator and maxRecords) read again by the redelivered batch.
    expect(sets[0]!.records).toBe(CUT);
    expect(sets[1]!.path).toBe(sets[0]!.path);
    expect(sets[1]!.records).toBe(BIG);
    const runs = await runsOf(ws.id);
    // The redelivered batch kept its run: the page committed before the cut is not read into it again.
    expect(runs.filter((r) => r.kind === "backfill").length).toBeGreaterThan(0);
    await expectSameAsRest(ws.id, rest.id);
  });

  it("a job deleted between two batches: the slice is read again by a new job, each record once, as REST", async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS }, defects: true });
    const rest = await restBaseline();
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const deleted: string[] = [];
    await runChain(
      ws.id,
      { INBOUND_BULK_THRESHOLD: "500" },
      {
        beforeDelivery: async (m) => {
          // The job's first batch is written; before its second, the job (and its locators) are gone.
          if (m.bulk?.complete && m.batchNo === 2 && !deleted.length) {
            deleted.push(m.bulk.jobId);
            await deleteJob(ws.id, m.bulk.jobId);
          }
        },
      },
    );
    expect(deleted.length).toBe(1);
    const calls = await fakeCalls();
    expect(calls.filter((c) => c.kind === "bulkCreate").length).toBe(2);
    expect(calls.filter((c) => c.path.includes("/results") && c.status === 404).length).toBe(1);
    await expectSameAsRest(ws.id, rest.id);
  });

  it("a job gone while a redelivered batch is inside it: that batch reads its slice by REST, each record once, as REST", async () => {
    await resetFake({ counts: { ...NONE, Lead: BIG }, defects: true });
    const rest = await restBaseline(BIG);
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    let cut = false;
    let deleted = false;
    await runChain(
      ws.id,
      { INBOUND_BULK_THRESHOLD: "500" },
      {
        limit: BIG,
        beforeDelivery: async (m, attempts) => {
          if (m.bulk && !cut) {
            cut = true;
            await setFaults({ bulk: { cutResultsAfter: CUT } });
          }
          // 2,000 records of the job are written in an open run; the redelivery finds the job gone.
          if (m.bulk && attempts === 2 && !deleted) {
            deleted = true;
            await deleteJob(ws.id, m.bulk.jobId);
          }
        },
      },
    );
    expect(deleted).toBe(true);
    const calls = await fakeCalls();
    const gone = calls.findIndex((c) => c.path.includes("/jobs/query/") && c.status === 404);
    expect(gone).toBeGreaterThan(0);
    // After the job was gone the batch read by REST, from the slice's start.
    const afterGone = calls.slice(gone);
    expect(afterGone.some((c) => c.kind === "queryAll" || c.kind === "query")).toBe(true);
    await expectSameAsRest(ws.id, rest.id);
  });

  it.each([
    ["an object the Bulk API does not support (INVALIDENTITY)", { unsupported: ["Lead"] }, 400],
    ["an org without Bulk API 2.0 (404)", { disabled: true }, 404],
  ])("%s reads by REST at once", async (_, bulk, status) => {
    const rest = await restBaseline();
    await setFaults({ bulk });
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const sent = await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "500" });
    expect(sent.some((s) => s.bulk)).toBe(false);
    const calls = await fakeCalls();
    expect(calls.filter((c) => c.kind.startsWith("bulk") && c.method === "POST").map((c) => c.status)).toEqual([
      status,
    ]);
    expect(await contactsOf(ws.id)).toEqual(await contactsOf(rest.id));
    expect(await watermarkOf(ws.id)).toEqual(await watermarkOf(rest.id));
    await expectCountsMatchRecords(ws.id);
  });

  it("a large incremental window reads through a job too, each change counted once, as REST counts it", async () => {
    const rest = await restBaseline();
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "off" });
    const { records } = await fake<{ records: { Id: string }[] }>("GET", "/__fake/records/Lead");
    const changed = records.slice(0, 800).map((r) => r.Id);
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: changed.map((Id) => ({ Id, Title: "Changed in bulk" })),
    });
    await runChain(rest.id, { INBOUND_BULK_THRESHOLD: "off" });
    await fake("DELETE", "/__fake/calls");
    const sent = await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "500" });
    expect(sent.some((s) => s.bulk && s.complete)).toBe(true);
    expect((await fakeCalls()).filter((c) => c.kind === "bulkCreate").length).toBe(1);
    const incremental = async (id: string) =>
      (await runsOf(id)).filter((r) => r.kind === "incremental" && r.status === "completed");
    const sumUpdated = (rs: Awaited<ReturnType<typeof incremental>>) => rs.reduce((n, r) => n + r.updated, 0);
    expect(sumUpdated(await incremental(ws.id))).toBe(800);
    expect(sumUpdated(await incremental(rest.id))).toBe(800);
    expect(await contactsOf(ws.id)).toEqual(await contactsOf(rest.id));
    expect(await watermarkOf(ws.id)).toEqual(await watermarkOf(rest.id));
    // Each change in one incremental run only.
    const once = await env.DB.prepare(
      `SELECT count(*) AS n, count(DISTINCT rr.salesforce_id) AS ids FROM ${ALL_RECORDS} rr JOIN runs r ON r.id = rr.run_id WHERE r.workspace_id = ? AND r.kind = 'incremental'`,
    )
      .bind(ws.id)
      .first<{ n: number; ids: number }>();
    expect(once).toEqual({ n: 800, ids: 800 });
    await expectCountsMatchRecords(ws.id);
  });

  it("polls soon at first and back off after: a job is seen complete at most ~25% (≥ 1 s) of its time late", () => {
    // When a job that is ready after `ready` seconds is first seen complete, and after how many status requests.
    const seen = (ready: number) => {
      let t = pollDelaySeconds(0);
      let polls = 1;
      while (t < ready) {
        t += pollDelaySeconds(t);
        polls++;
      }
      return { late: t - ready, polls };
    };
    // The latency model's job of 60,000 Leads (20.6 s): seen at 31 s by the 1, 2, 4 … schedule; now within 5 s.
    expect(seen(20.6).late).toBeLessThanOrEqual(5);
    for (const ready of [2, 5, 20.6, 45, 120, 600, 3_600]) {
      const { late, polls } = seen(ready);
      expect(late).toBeLessThanOrEqual(Math.max(1, ready * 0.25) + 1);
      // A poll at most every second, and at least every 30 s (2 API calls a minute for a long job).
      expect(polls).toBeLessThanOrEqual(ready <= 120 ? ready + 1 : 25 + ready / 30);
    }
  });

  it("a window under the threshold reads by REST, with no Bulk job", async () => {
    await fake("DELETE", "/__fake/calls");
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await runChain(ws.id, { INBOUND_BULK_THRESHOLD: "2000" });
    expect((await fakeCalls()).filter((c) => c.kind.startsWith("bulk")).length).toBe(0);
    expect((await runsOf(ws.id)).reduce((n, r) => n + r.created, 0)).toBeGreaterThan(0);
  });
});
