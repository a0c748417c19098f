import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { acquireLease, releaseLease } from "../../worker/sync/leases";
import { type ReconcileMessage, runReconcileStep } from "../../worker/sync/reconcile";
import { approvedCallback, connectWorkspace } from "./connect";
import { bodyOf, call, callWith, firstShard, jsonInit, reconcileStartedSchema } from "./helpers";
import { openPage } from "./page-session";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  fakeUrl,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  settle,
  syncNow,
  unlinked,
} from "./sync-helpers";

// A reconciliation run deletes what the connected org does not have: it must never delete because
// the org is another one, or because the integration user stopped seeing records (review 1, finding 1),
// and it must not burn retries, budgets or field-level security on the way (findings 4-6).

type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (
    (
      await env.DB.prepare(sql)
        .bind(...binds)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}
const contacts = (workspaceId: string) =>
  count("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?", workspaceId);

async function linkedLeads(workspaceId: string, n: number): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT salesforce_id FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead' ORDER BY salesforce_id LIMIT ?",
  )
    .bind(workspaceId, n)
    .all<{ salesforce_id: string }>();
  return results.map((r) => r.salesforce_id);
}

async function reconcile(ws: Ws, body: unknown) {
  const res = await call("/api/v1/sync/reconcile", jsonInit("POST", body, ws.auth));
  const json = (await res.json()) as unknown;
  expect(res.status, JSON.stringify(json)).toBe(202);
  await settle(ws.id);
  const started = reconcileStartedSchema.parse(json).runs[0]!;
  return (await runsOf(ws.id)).find((r) => r.id === started.id)!;
}

describe("reconciliation deletes nothing it cannot be sure of", () => {
  it("a workspace whose org was never remembered (disconnected before 0010) starts over when an org connects, and deletes nothing", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50 }, seed: 7 });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    expect(await contacts(ws.id)).toBe(50);
    expect((await call("/api/v1/connection", { method: "DELETE", headers: ws.auth })).status).toBe(204);
    // Exactly what migration 0010 leaves for a workspace that had disconnected before it ran.
    await env.DB.prepare("UPDATE workspaces SET linked_org_id = NULL WHERE id = ?").bind(ws.id).run();

    await resetFake({ counts: { ...NONE, Lead: 20 }, seed: 8 });
    await connectWorkspace(ws, fakeUrl());
    const newOrg = (await fake<{ orgId: string }>("GET", "/__fake/stats")).orgId;
    // Stored with the connection, in its batch: the new org, the reset, the pending unlink.
    expect(
      await env.DB.prepare(
        "SELECT w.linked_org_id AS linked, c.org_id AS connected, (SELECT min(backfill_done) FROM sync_state s WHERE s.workspace_id = w.id) AS backfilled FROM workspaces w JOIN connections c ON c.workspace_id = w.id WHERE w.id = ?",
      )
        .bind(ws.id)
        .first(),
    ).toEqual({ linked: newOrg, connected: newOrg, backfilled: 0 });
    await unlinked(ws.id);
    const run = await reconcile(ws, { objects: ["Lead"] });
    expect(run.deleted).toBe(0);
    expect(await contacts(ws.id)).toBeGreaterThanOrEqual(50);
    await expectCountsMatchRecords(ws.id);
  }, 120_000);

  it("stores an org switch with the connection or not at all: a failing reset leaves the old org connected, links and all", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50 }, seed: 7 });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const oldOrg = (await fake<{ orgId: string }>("GET", "/__fake/stats")).orgId;
    await resetFake({ counts: { ...NONE, Lead: 20 }, seed: 8 });
    // The reset fails (as a D1 time limit on a huge workspace would have failed the old separate batch).
    await env.DB.prepare(
      "CREATE TRIGGER fail_org_reset BEFORE UPDATE OF reset_reason ON sync_state BEGIN SELECT RAISE(ABORT, 'reset failed'); END",
    ).run();
    try {
      const page = await openPage(ws.auth);
      const { callbackPath } = await approvedCallback(page);
      const res = await callWith({}, callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
      expect(res.status).toBe(500);
    } finally {
      await env.DB.prepare("DROP TRIGGER fail_org_reset").run();
    }
    expect(
      await env.DB.prepare(
        "SELECT w.linked_org_id AS linked, c.org_id AS connected, w.unlinking_org_id AS unlinking FROM workspaces w JOIN connections c ON c.workspace_id = w.id WHERE w.id = ?",
      )
        .bind(ws.id)
        .first(),
    ).toEqual({ linked: oldOrg, connected: oldOrg, unlinking: null });
    expect(
      await count("SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL", ws.id),
    ).toBe(50);
  }, 120_000);

  it("fails with words and deletes nothing when the connected org is not the one the records are linked to", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50 }, seed: 7 });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    // What a half-done switch used to leave: the connection on another org, the links still the old one's.
    await env.DB.prepare("UPDATE workspaces SET linked_org_id = '00Dold000000001AAA' WHERE id = ?").bind(ws.id).run();
    await resetFake({ counts: { ...NONE, Lead: 20 }, seed: 8 });
    await env.DB.prepare("UPDATE workspaces SET linked_org_id = '00Dold000000001AAA' WHERE id = ?").bind(ws.id).run();
    const run = await reconcile(ws, { objects: ["Lead"] });
    expect(run).toMatchObject({ status: "failed", deleted: 0, failure_code: "authentication_failure" });
    expect(run.failure_detail).toContain("is not the org Conversion's records are linked to");
    expect(run.failure_detail).toContain("nothing was deleted");
    expect(await contacts(ws.id)).toBe(50);
  }, 120_000);

  it("stops before removing more than 5% (at least 100) of an object's linked records, unless confirmDeletes", async () => {
    await resetFake({ counts: { ...NONE, Lead: 300 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const ids = await linkedLeads(ws.id, 300);
    // 150 no longer visible (as when the integration user loses access): Salesforce shows 150 of 300.
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: ids.slice(0, 150), hard: true });
    const stopped = await reconcile(ws, { objects: ["Lead"] });
    expect(stopped).toMatchObject({ status: "failed", deleted: 0, failure_code: "insufficient_permissions" });
    expect(stopped.failure_detail).toContain("At least 150 of the 300 Lead records");
    expect(stopped.failure_detail).toContain('{"confirmDeletes": true}');
    expect(await contacts(ws.id)).toBe(300);

    // Salesforce's count looks fine (150 new Leads Conversion skips), but the pages find 150 gone.
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: Array.from({ length: 150 }, (_, i) => ({ LastName: `NoEmail${i}`, Company: "X" })),
    });
    const paged = await reconcile(ws, { objects: ["Lead"] });
    expect(paged).toMatchObject({ status: "failed", deleted: 0 });
    expect(paged.failure_detail).toContain("At least 150 of the 300 Lead records");
    expect(await contacts(ws.id)).toBe(300);

    const confirmed = await reconcile(ws, { objects: ["Lead"], confirmDeletes: true });
    expect(confirmed).toMatchObject({ status: "completed", deleted: 150 });
    expect(await contacts(ws.id)).toBe(150);
    await expectCountsMatchRecords(ws.id);
  }, 180_000);

  it("reads what it confirms through field-level security: a hidden mapped field does not fail the run", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const [gone] = await linkedLeads(ws.id, 1);
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: [gone], hard: true });
    await fake("POST", "/__fake/faults", { hiddenFields: { Lead: ["Title"] } });
    // The cached describe ages out (it is kept an hour).
    await env.DB.prepare("DELETE FROM describe_cache WHERE workspace_id = ?").bind(ws.id).run();
    const run = await reconcile(ws, { objects: ["Lead"] });
    expect([run.status, run.deleted, run.failure_detail]).toEqual(["completed", 1, null]);
    await fake("POST", "/__fake/faults", { hiddenFields: {} });
  }, 120_000);

  it("waits for the object's own chain by sending itself again later, not by spending queue retries, and gives up in words", async () => {
    await resetFake({ counts: { ...NONE, Lead: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const db = dbOver(env.DB);
    expect(await acquireLease(db, ws.id, "Lead", "cyc_busy")).toBe(true);
    const res = await call("/api/v1/sync/reconcile", jsonInit("POST", { objects: ["Lead"] }, ws.auth));
    expect(res.status).toBe(202);
    const runId = (await runsOf(ws.id)).find((r) => r.kind === "reconcile" && r.status === "in_progress")!.id;
    const sent: { body: ReconcileMessage; delaySeconds?: number }[] = [];
    const queue = {
      send: async (body: ReconcileMessage, opts?: { delaySeconds?: number }) => {
        sent.push({ body, delaySeconds: opts?.delaySeconds });
      },
    };
    const m: ReconcileMessage = {
      type: "inbound_reconcile",
      workspaceId: ws.id,
      salesforceObject: "Lead",
      runId,
      leaseOwner: runId,
    };
    const first = await runReconcileStep({ ...firstShard, INBOUND_QUEUE: queue as never }, m, 5);
    expect(first).toEqual({ done: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.delaySeconds).toBe(30);
    expect(sent[0]!.body.waitingSince).toBeTruthy();

    const long = { ...m, waitingSince: new Date(Date.now() - 3 * 3600_000).toISOString() };
    expect(await runReconcileStep({ ...firstShard, INBOUND_QUEUE: queue as never }, long, 1)).toEqual({ done: true });
    const run = (await runsOf(ws.id)).find((r) => r.id === runId)!;
    expect([run.status, run.failure_detail]).toEqual(["failed", "Salesforce sync of Lead was busy; try again later."]);

    // A cycle's check whose cycle lost the lease (it expired, a newer cycle took it) closes at once.
    const again = await call("/api/v1/sync/reconcile", jsonInit("POST", { objects: ["Lead"] }, ws.auth));
    const inCycle = (await bodyOf(again, reconcileStartedSchema)).runs[0]!.id;
    const lost = { ...m, runId: inCycle, leaseOwner: "cyc_old" };
    expect(await runReconcileStep({ ...firstShard, INBOUND_QUEUE: queue as never }, lost, 1)).toEqual({ done: true });
    const closed = (await runsOf(ws.id)).find((r) => r.id === inCycle)!;
    expect(closed.status).toBe("failed");
    expect(closed.failure_detail).toContain("The sync cycle's turn on Lead ended before this check finished");
    await releaseLease(db, ws.id, "Lead", "cyc_busy");
  }, 120_000);

  it("spends no call when the workspace's API budget is used up: the run fails with the catalogue's API limit words", async () => {
    await resetFake({ counts: { ...NONE, Lead: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    expect((await call("/api/v1/settings", jsonInit("PATCH", { apiDailyBudget: 1 }, ws.auth))).status).toBe(200);
    const before = (await fake<{ calls?: number }>("GET", "/__fake/calls")) as unknown as
      | unknown[]
      | { calls: unknown[] };
    const n = (Array.isArray(before) ? before : before.calls).length;
    const run = await reconcile(ws, { objects: ["Lead"] });
    expect([run.status, run.failure_code]).toEqual(["failed", "api_limit_exceeded"]);
    const after = (await fake("GET", "/__fake/calls")) as unknown[] | { calls: unknown[] };
    expect((Array.isArray(after) ? after : after.calls).length).toBe(n);
  }, 120_000);
});
