import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorSchema } from "../../worker/api/common";
import { dbOver } from "../../worker/db";
import { acquireLease, releaseLease } from "../../worker/sync/leases";
import { type ReconcileMessage, runReconcileStep } from "../../worker/sync/reconcile";
import { countingD1 } from "./counting-d1";
import { badInputSchema, call, firstShard, jsonInit, reconcileStartedSchema } from "./helpers";
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

// Reconciliation runs: Salesforce's ids against Conversion's linked records, for the deletes
// Salesforce can no longer tell (purged after 15 days, hard-deleted, an emptied recycle bin).

const DAY = 86_400;
type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

async function linkedLeads(workspaceId: string, n: number): Promise<{ id: string; salesforce_id: string }[]> {
  return (
    await env.DB.prepare(
      "SELECT id, salesforce_id FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead' ORDER BY salesforce_id LIMIT ?",
    )
      .bind(workspaceId, n)
      .all<{ id: string; salesforce_id: string }>()
  ).results;
}

async function contactIds(workspaceId: string): Promise<Set<string>> {
  const { results } = await env.DB.prepare("SELECT id FROM contacts WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

async function reconcile(ws: Ws, body?: unknown) {
  const res = await call(
    "/api/v1/sync/reconcile",
    body === undefined ? { method: "POST", headers: ws.auth } : jsonInit("POST", body, ws.auth),
  );
  return { status: res.status, body: (await res.json()) as unknown };
}

/** The runs a started reconciliation answers with, read with the route's own schema. */
const runsStarted = (body: unknown) => reconcileStartedSchema.parse(body).runs;
/** The field a 400 names first. */
const fieldRefused = (body: unknown) => badInputSchema.parse(body).error.details.issues[0]!.field;

describe("reconciliation runs", () => {
  it("removes what Salesforce purged after 15 days or hard-deleted, which no sync can see", async () => {
    await resetFake({ counts: { ...NONE, Lead: 300 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const [purged, hard, kept] = await linkedLeads(ws.id, 3);
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: [purged!.salesforce_id] });
    await fake("POST", "/__fake/clock", { advanceSeconds: 16 * DAY });
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: [hard!.salesforce_id], hard: true });
    // queryAll no longer has either: an ordinary sync leaves both in Conversion.
    await env.DB.prepare("UPDATE sync_state SET deletes_checked_at = ? WHERE workspace_id = ?")
      .bind(new Date().toISOString(), ws.id)
      .run();
    await syncNow(ws);
    expect((await contactIds(ws.id)).has(purged!.id)).toBe(true);

    const started = await reconcile(ws, { objects: ["Lead"] });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(runsStarted(started.body)).toHaveLength(1);
    expect(runsStarted(started.body)[0]).toMatchObject({
      kind: "reconcile",
      salesforceObject: "Lead",
      description: "Checked contacts against Salesforce",
    });
    await settle(ws.id);

    const ids = await contactIds(ws.id);
    expect([ids.has(purged!.id), ids.has(hard!.id), ids.has(kept!.id)]).toEqual([false, false, true]);
    const run = (await runsOf(ws.id)).find((r) => r.kind === "reconcile")!;
    expect(run).toMatchObject({ status: "completed", deleted: 2, created: 0, updated: 0, skipped: 0, failed: 0 });
    const records = await call(`/api/v1/sync/runs/${run.id}/records`, { headers: ws.auth }).then((r) => r.json());
    expect(
      (records as { records: { salesforceId: string; action: string }[] }).records
        .map((r) => [r.salesforceId, r.action])
        .sort(),
    ).toEqual(
      [
        [purged!.salesforce_id, "deleted"],
        [hard!.salesforce_id, "deleted"],
      ].sort(),
    );
    await expectCountsMatchRecords(ws.id);
  }, 180_000);

  it("answers 400 naming an unknown or disabled object, and 409 while one runs", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const unknown = await reconcile(ws, { objects: ["Lead", "Nope__c"] });
    expect(unknown.status).toBe(400);
    expect(fieldRefused(unknown.body)).toBe("objects.1");
    const disabled = await reconcile(ws, { objects: ["Contact"] });
    expect(disabled.status).toBe(400);
    expect(fieldRefused(disabled.body)).toBe("objects.0");
    expect((await reconcile(ws, { objects: ["Lead"], extra: 1 })).status).toBe(400);

    // The object's own chain holds its lease: the run waits, in progress.
    const db = dbOver(env.DB);
    expect(await acquireLease(db, ws.id, "Lead", "cyc_busy")).toBe(true);
    const first = await reconcile(ws);
    expect(first.status).toBe(202);
    expect(runsStarted(first.body).map((r) => r.salesforceObject)).toEqual(["Lead"]);
    const second = await reconcile(ws, { objects: ["Lead"] });
    expect(second.status).toBe(409);
    expect(errorSchema.parse(second.body).error.code).toBe("reconcile_in_progress");
    await releaseLease(db, ws.id, "Lead", "cyc_busy");
  }, 120_000);

  it("ends a cycle's chain with one when getDeleted's earliestDateAvailable is later than the watermark", async () => {
    await resetFake({ counts: { ...NONE, Lead: 200 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const [hard] = await linkedLeads(ws.id, 1);
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: [hard!.salesforce_id], hard: true });
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => r.kind)).toContain("reconcile");
    expect((await contactIds(ws.id)).has(hard!.id)).toBe(false);
    // The next cycle asks getDeleted again only after an hour, and reconciles only when it has cause.
    await syncNow(ws);
    expect((await runsOf(ws.id)).filter((r) => r.kind === "reconcile")).toHaveLength(1);
    await expectCountsMatchRecords(ws.id);
  }, 120_000);

  it("runs at most weekly otherwise: a week after the last one the cycle checks the object again", async () => {
    await resetFake({ counts: { ...NONE, Lead: 100 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    await syncNow(ws);
    expect((await runsOf(ws.id)).filter((r) => r.kind === "reconcile")).toHaveLength(0);
    await env.DB.prepare("UPDATE sync_state SET reconciled_at = ? WHERE workspace_id = ?")
      .bind(new Date(Date.now() - 8 * DAY * 1000).toISOString(), ws.id)
      .run();
    await syncNow(ws);
    const reconciles = (await runsOf(ws.id)).filter((r) => r.kind === "reconcile");
    expect(reconciles.map((r) => [r.status, r.deleted])).toEqual([["completed", 0]]);
  }, 120_000);

  it("runs when the sync was off for longer than the recycle bin keeps deletes, though the weekly one is not due", async () => {
    await resetFake({ counts: { ...NONE, Lead: 100 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const ago = (days: number) => new Date(Date.now() - days * DAY * 1000).toISOString();
    // Reconciled 2 days ago and getDeleted asked within the hour: only the gap since the last look can cause one.
    const lastLooked = (days: number) =>
      env.DB.prepare(
        "UPDATE sync_state SET last_checked_at = ?, watermark_read_at = ?, reconciled_at = ?, deletes_checked_at = ? WHERE workspace_id = ?",
      )
        .bind(ago(days), ago(days), ago(2), ago(0), ws.id)
        .run();
    await lastLooked(14);
    await syncNow(ws);
    expect((await runsOf(ws.id)).filter((r) => r.kind === "reconcile")).toHaveLength(0);
    await lastLooked(16);
    await syncNow(ws);
    const reconciles = (await runsOf(ws.id)).filter((r) => r.kind === "reconcile");
    expect(reconciles.map((r) => [r.status, r.deleted])).toEqual([["completed", 0]]);
  }, 120_000);

  it("pages a large object across invocations, each within D1's statement limit", async () => {
    await resetFake({ counts: { ...NONE, Lead: 12_000 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws, 180_000);
    const gone = (await linkedLeads(ws.id, 12_000)).filter((_, i) => i % 997 === 0);
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: gone.map((g) => g.salesforce_id), hard: true });
    const started = await reconcile(ws, { objects: ["Lead"] });
    const runId = runsStarted(started.body)[0]!.id;
    await settle(ws.id);
    expect((await runsOf(ws.id)).find((r) => r.id === runId)).toMatchObject({
      status: "completed",
      deleted: gone.length,
    });

    // The same run, step by step: 2 pages (4,000 ids) per invocation, statements counted.
    const again = await reconcile(ws, { objects: ["Lead"] });
    const id = runsStarted(again.body)[0]!.id;
    await settle(ws.id);
    await env.DB.prepare("UPDATE runs SET status = 'in_progress', state = '{}' WHERE id = ?").bind(id).run();
    const message: ReconcileMessage = {
      type: "inbound_reconcile",
      workspaceId: ws.id,
      salesforceObject: "Lead",
      runId: id,
      leaseOwner: id,
      pagesPerStep: 2,
    };
    let steps = 0;
    let max = 0;
    for (;;) {
      const { db, counter } = countingD1(env.DB);
      await runReconcileStep(
        { ...firstShard, DB: db, INBOUND_QUEUE: { send: async () => undefined } as never },
        message,
        1,
      );
      steps++;
      max = Math.max(max, counter.statements);
      const row = await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(id).first<{ status: string }>();
      if (row!.status !== "in_progress" || steps > 10) break;
    }
    console.log(`reconciling 12,000 Leads in steps of 4,000 ids: ${steps} invocations, ≤${max} D1 statements each`);
    expect(steps).toBe(3);
    expect(max).toBeLessThanOrEqual(1_000);
    expect(max).toBeLessThanOrEqual(60);
    await expectCountsMatchRecords(ws.id);
  }, 300_000);
});
