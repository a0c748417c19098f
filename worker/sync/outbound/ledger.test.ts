import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newWorkspace } from "../../../test/workers/helpers";
import { getDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs } from "../../db/schema";
import { reapStalledRuns, STALE_RUN_MS } from "../reaper";
import { type RunRecordInput, recountRun } from "../runs";
import { runRecordWrites } from "../runs/write";
import { createLedger } from "./ledger";

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
    const db = getDb(env);
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
    const db = getDb(env);
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
    expect(await reapStalledRuns(env, Date.now() + STALE_RUN_MS + 60_000)).toBe(1);
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
