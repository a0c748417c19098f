import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newWorkspace } from "../../../test/workers/helpers";
import { getDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { reapStalledRuns, STALE_RUN_MS } from "../reaper";
import type { RunRecordInput } from "../runs";
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
  it("a run the reaper closed while its delivery kept pushing still counts every record once the delivery ends", async () => {
    const ws = await newWorkspace("Ledger");
    const db = getDb(env);
    const ledger = createLedger(db, ws.id, "contact", "obb_ledger_test");
    const first = await ledger.reserve("Lead", 2);
    await commitBatch(
      db,
      ledger.commit("Lead", first.runId, {
        records: [record("a", 0, "success"), record("b", 1, "success")],
        outboxIds: [],
      }),
    );

    // The delivery goes quiet past the reaper's limit: the run is failed as stalled, counted as of then.
    expect(await reapStalledRuns(env, Date.now() + STALE_RUN_MS + 60_000)).toBe(1);
    expect(await runRow(first.runId)).toMatchObject({ status: "failed", updated: 2, failed: 0 });

    // It carries on: one more chunk, then the end of the delivery.
    const second = await ledger.reserve("Lead", 2);
    await commitBatch(
      db,
      ledger.commit("Lead", second.runId, {
        records: [record("c", 2, "success"), record("d", 3, "failed", "record_locked")],
        outboxIds: [],
      }),
    );
    expect(await ledger.closeAll({ status: "completed" })).toBe(0);
    expect(await runRow(first.runId)).toMatchObject({
      status: "failed",
      updated: 3,
      failed: 1,
      reason_counts: '[["failed","record_locked",1]]',
    });
  });
});
