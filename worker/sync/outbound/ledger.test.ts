import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../../../test/workers/counting-d1";
import { firstShard, newWorkspace } from "../../../test/workers/helpers";
import {
  apiWithoutSend,
  clearCalls,
  collectionCalls,
  linkedContacts,
  outboundSetup,
  sfRecord,
  type Ws,
} from "../../../test/workers/outbound.fixtures";
import { dbOver } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs } from "../../db/schema";
import worker from "../../index";
import { reapStalledRuns, STALE_RUN_MS } from "../reaper";
import { type RunRecordInput, recountRun } from "../runs";
import { runRecordWrites } from "../runs/write";
import { createLedger, resolveBatchKey } from "./ledger";

const record = (
  key: string,
  seq: number,
  status: RunRecordInput["status"],
  reasonCode: string | null = null,
): RunRecordInput => ({
  key,
  seq,
  salesforceId: null,
  salesforceObject: "Lead",
  conversionId: `ct_${key}`,
  label: key,
  email: `${key}@example.com`,
  action: status === "success" ? "updated" : null,
  status,
  reasonCode,
  externalCreatedAt: null,
  externalUpdatedAt: null,
  changes: [],
});

const runRow = (id: string) =>
  env.DB.prepare("SELECT status, updated, failed, reason_counts FROM runs WHERE id = ?")
    .bind(id)
    .first<{ status: string; updated: number; failed: number; reason_counts: string | null }>();

describe("outbound ledger", () => {
  it("a push has one run per call, written closed with its records; the same call again changes nothing", async () => {
    const ws = await newWorkspace("Ledger");
    const db = dbOver(env.DB);
    const ledger = createLedger(db, ws.id, "contact", "obb_ledger_calls");
    const a = await ledger.runFor("Lead", "obx_a", 2);
    const b = await ledger.runFor("Lead", "obx_c", 2);
    expect(a.id).not.toBe(b.id);
    expect((await ledger.runFor("Lead", "obx_a", 2)).id).toBe(a.id);
    const first = { records: [record("a", 0, "success"), record("b", 1, "failed", "record_locked")], outboxIds: [] };
    await commitBatch(db, ledger.commit(a, first, { status: "completed" }));
    await commitBatch(db, ledger.commit(a, first, { status: "completed" }));
    await commitBatch(
      db,
      ledger.commit(b, { records: [], outboxIds: [] }, { status: "failed", failureCode: "unknown_error" }),
    );
    expect(await runRow(a.id)).toMatchObject({ status: "completed", updated: 1, failed: 1 });
    expect(await runRow(b.id)).toMatchObject({ status: "failed", updated: 0, failed: 0 });
    expect(await ledger.closeLeft({ status: "completed" })).toBe(0);
  });

  it("a retry's run the reaper closed while its delivery kept pushing still counts every record", async () => {
    const ws = await newWorkspace("Ledger");
    const db = dbOver(env.DB);
    const ledger = createLedger(db, ws.id, "contact", "obr_ledger_test");
    const first = await ledger.runFor("Lead", "obx_a", 2);
    await commitBatch(db, [
      db.insert(runs).values({
        id: first.id,
        workspaceId: ws.id,
        direction: "outbound",
        objectType: "contact",
        salesforceObject: "Lead",
        kind: "retry",
        status: "in_progress",
        startedAt: first.startedAt,
        heartbeatAt: first.startedAt,
      }),
      ...runRecordWrites(
        db,
        { workspaceId: ws.id, runId: first.id, salesforceObject: "Lead", objectType: "contact", at: first.startedAt },
        [record("a", 0, "success"), record("b", 1, "success")],
      ),
      recountRun(db, { id: first.id, workspaceId: ws.id }),
    ]);

    // The delivery goes quiet past the reaper's limit: the run closes Completed with the records it committed,
    // counted as of then, and the stall is its own Failed run with none ("Failed" means the whole batch failed).
    expect(await reapStalledRuns(firstShard, Date.now() + STALE_RUN_MS + 60_000)).toBe(1);
    expect(await runRow(first.id)).toMatchObject({ status: "completed", updated: 2, failed: 0 });
    const stalled = await env.DB.prepare(
      "SELECT status, created, updated, deleted, skipped, failed FROM runs WHERE workspace_id = ? AND id != ?",
    )
      .bind(ws.id, first.id)
      .all();
    expect(stalled.results).toEqual([{ status: "failed", created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 }]);

    // It carries on: one more call into the same run, then the end of the delivery.
    const second = await ledger.runFor("Lead", "obx_c", 2);
    expect(second).toMatchObject({ id: first.id, firstSeq: 2 });
    await commitBatch(
      db,
      ledger.commit(
        second,
        { records: [record("c", 2, "success"), record("d", 3, "failed", "record_locked")], outboxIds: [] },
        { status: "completed" },
      ),
    );
    expect(await ledger.closeLeft({ status: "completed" })).toBe(0);
    expect(await runRow(first.id)).toMatchObject({
      status: "completed",
      updated: 3,
      failed: 1,
      reason_counts: '[["failed","record_locked",1]]',
    });
  });
});

/**
 * `rounds` deliveries of one change that each failed as a whole (their run Failed) and whose claim
 * the sweep let go of: the state a day of Salesforce refusing every push leaves. Returns the
 * change's outbox id and every round's batch key.
 */
async function failedRounds(ws: Ws, contactId: string, rounds: number) {
  const db = dbOver(env.DB);
  await apiWithoutSend(ws, "PATCH", `/contacts/${contactId}`, { title: `After ${rounds}` });
  const row = await env.DB.prepare("SELECT id FROM outbox WHERE workspace_id = ? AND processed_at IS NULL")
    .bind(ws.id)
    .first<{ id: string }>();
  const keys: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const key = await resolveBatchKey(db, ws.id, "contact", [row!.id], true);
    keys.push(key!);
    const ledger = createLedger(db, ws.id, "contact", key!);
    const run = await ledger.runFor("Lead", row!.id, 1);
    await commitBatch(
      db,
      ledger.commit(run, { records: [], outboxIds: [] }, { status: "failed", failureCode: "unknown_error" }),
    );
  }
  return { outboxId: row!.id, keys };
}

/** The change's message handed to the Worker's queue handler, over a D1 that counts statements. */
async function deliverCounted(ws: Ws, outboxId: string, attempts = 1) {
  const { db, counter } = countingD1(env.DB);
  const batch = createMessageBatch("sync-outbound", [
    {
      id: `msg-${outboxId}`,
      timestamp: new Date(),
      attempts,
      body: { type: "outbound_change", workspaceId: ws.id, outboxId },
    },
  ]);
  const ctx = createExecutionContext();
  // Pushed at once: whether a change waits to fill a call is another test's matter.
  await worker.queue(batch, { ...env, DB: db, OUTBOUND_COALESCE_MS: "0" } as unknown as Env, ctx);
  expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`msg-${outboxId}`]);
  return counter.statements;
}

describe("outbound delivery rounds", () => {
  it("a delivery after 300 failed rounds costs the D1 statements of one after a single failed round, and pushes once", async () => {
    await clearCalls();
    const ws = await outboundSetup();
    const [once, many] = await linkedContacts(ws, "Lead", [
      { email: "once@example.com" },
      { email: "many@example.com" },
    ]);

    const first = await failedRounds(ws, once!.contactId, 1);
    const one = await deliverCounted(ws, first.outboxId);

    const later = await failedRounds(ws, many!.contactId, 300);
    // Every round had a key of its own, so no round's runs are mistaken for another's.
    expect(new Set(later.keys).size).toBe(300);
    const threeHundred = await deliverCounted(ws, later.outboxId);
    expect(threeHundred).toBe(one);

    // Exactly once: each change written in one call, its run Completed; a redelivery writes nothing.
    const runs = async () =>
      (
        await env.DB.prepare(
          "SELECT status, count(*) AS n, sum(updated) AS updated FROM runs WHERE workspace_id = ? GROUP BY status ORDER BY status",
        )
          .bind(ws.id)
          .all()
      ).results;
    const after = await runs();
    expect(after).toEqual([
      { status: "completed", n: 2, updated: 2 },
      { status: "failed", n: 301, updated: 0 },
    ]);
    expect(await deliverCounted(ws, later.outboxId, 2)).toBeLessThan(threeHundred);
    expect(await runs()).toEqual(after);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL")
        .bind(ws.id)
        .first(),
    ).toEqual({ n: 0 });
    expect((await collectionCalls()).map((c) => c.records)).toEqual([1, 1]);
    expect((await sfRecord("Lead", many!.salesforceId)).Title).toBe("After 300");
  });
});
