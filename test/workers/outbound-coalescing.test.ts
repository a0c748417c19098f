import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker";
import { dbOver } from "../../worker/db";
import { COALESCING, claimPending, coalescingFor, groupState } from "../../worker/sync/outbound/claim";
import { expectRunCountsMatchRecords } from "./assert-counts";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  collectionCalls,
  linkedContacts,
  outboundSetup,
  pushed,
  sfRecord,
  until,
  type Ws,
} from "./outbound.fixtures";
import { connectedWorkspace, onlyObjects } from "./sync-helpers";

// A burst of API writes should leave in whole 200-record collection calls, while a lone change
// still goes at once. The claim decides how much to take; these tests hold it to that.

const coalescing = COALESCING;

/** Pending outbox rows for `n` contacts, created `agoMs` before D1's now. */
async function pendingRows(ws: Ws, n: number, agoMs: number, prefix: string) {
  const stmt = env.DB.prepare(
    `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at)
     VALUES (?, ?, 'contact', ?, 'upsert', '["title"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))`,
  );
  await env.DB.batch(
    Array.from({ length: n }, (_, i) =>
      stmt.bind(`${prefix}_${i}`, ws.id, `ct_${prefix}_${i}`, `-${(agoMs / 1000).toFixed(3)} seconds`),
    ),
  );
}

const claim = (ws: Ws, key: string, opts = {}) =>
  claimPending(dbOver(env.DB), ws.id, "contact", key, { coalescing, ...opts });

describe("outbound coalescing", () => {
  it("takes whole calls while a burst arrives, everything once it goes quiet or waited long enough", async () => {
    const ws = await outboundSetup();
    // 150 changes, the newest just now: a burst still arriving, not yet a call's worth → wait.
    await pendingRows(ws, 150, 0, "a");
    expect(await claim(ws, "obb_1")).toHaveLength(0);
    // 450 pending → two whole calls, the oldest first; 50 stay for the next call.
    await pendingRows(ws, 300, 0, "b");
    const two = await claim(ws, "obb_2");
    expect(two).toHaveLength(400);
    expect(two.filter((r) => r.id.startsWith("a_"))).toHaveLength(150);
    // The 50 left, with the burst still arriving: they wait.
    expect(await claim(ws, "obb_3")).toHaveLength(0);
    // A retry run names its rows and never waits.
    const left = await env.DB.prepare("SELECT id FROM outbox WHERE workspace_id = ? AND run_id IS NULL LIMIT 1")
      .bind(ws.id)
      .first<{ id: string }>();
    expect(await claim(ws, "obb_4", { onlyIds: [left!.id] })).toHaveLength(1);
    // The burst went quiet (the newest is older than quietMs): the 49 left go now.
    await env.DB.prepare(
      `UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-0.8 seconds') WHERE workspace_id = ? AND run_id IS NULL`,
    )
      .bind(ws.id)
      .run();
    expect(await claim(ws, "obb_5")).toHaveLength(49);
  });

  it("while a burst arrives, the next look is when the longest wait ends; a lone change is looked at once it is quiet", async () => {
    const ws = await outboundSetup();
    const db = dbOver(env.DB);
    await pendingRows(ws, 1, 0, "lone");
    const lone = await groupState(db, ws.id, "contact", coalescing);
    expect(lone).toMatchObject({ open: 1, unclaimed: 1 });
    expect(lone.msUntilReady).toBeGreaterThan(0);
    expect(lone.msUntilReady).toBeLessThanOrEqual(coalescing.quietMs);
    expect(lone.msUntilLook).toBe(lone.msUntilReady);
    // A burst: the oldest change 1 s old, the newest just now. Only the longest wait can end it.
    await pendingRows(ws, 1, 1000, "first");
    const burst = await groupState(db, ws.id, "contact", coalescing);
    expect(burst.msUntilReady).toBeLessThanOrEqual(coalescing.quietMs);
    expect(burst.msUntilLook).toBeGreaterThan(coalescing.maxWaitMs - 1000 - 500);
    expect(burst.msUntilLook).toBeLessThanOrEqual(coalescing.maxWaitMs - 1000);
    // Turned off, everything is ready now.
    expect(await groupState(db, ws.id, "contact", null)).toMatchObject({ open: 2, msUntilReady: 0, msUntilLook: 0 });
  });

  it("a steady trickle is not held back longer than the longest wait", async () => {
    const ws = await outboundSetup();
    await pendingRows(ws, 20, coalescing.maxWaitMs + 100, "old");
    await pendingRows(ws, 5, 0, "new");
    // Changes keep arriving (the newest is fresh), but the oldest has waited maxWaitMs: all go.
    expect(await claim(ws, "obb_t")).toHaveLength(25);
  });

  it("a redelivery that already holds a claim takes everything it holds", async () => {
    const ws = await outboundSetup();
    await pendingRows(ws, 30, 0, "r");
    await env.DB.prepare(`UPDATE outbox SET run_id = 'obb_mine', sent_at = ? WHERE id = 'r_0'`)
      .bind(new Date().toISOString())
      .run();
    expect(await claim(ws, "obb_mine")).toHaveLength(30);
  });

  it("a retry never takes an entity another delivery is pushing", async () => {
    const ws = await outboundSetup();
    await pendingRows(ws, 1, 0, "busy");
    await pendingRows(ws, 1, 0, "idle");
    await env.DB.prepare(`UPDATE outbox SET run_id = 'obb_other', sent_at = ? WHERE id = 'busy_0'`)
      .bind(new Date().toISOString())
      .run();
    // The retry's own rows for the same entities, named by id as a retry run names them.
    const retryRow = env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields) VALUES (?, ?, 'contact', ?, 'upsert', '[]')`,
    );
    await env.DB.batch([
      retryRow.bind("retry_busy", ws.id, "ct_busy_0"),
      retryRow.bind("retry_idle", ws.id, "ct_idle_0"),
    ]);
    const taken = await claim(ws, "obr_1", { onlyIds: ["retry_busy", "retry_idle"] });
    expect(taken.map((r) => r.id)).toEqual(["retry_idle"]);
  });

  it("OUTBOUND_COALESCE_MS sets the longest wait; 0 or nonsense turns it off", () => {
    expect(coalescingFor({})).toEqual(COALESCING);
    expect(coalescingFor({ OUTBOUND_COALESCE_MS: "800" })).toEqual({ maxWaitMs: 800, quietMs: 500 });
    expect(coalescingFor({ OUTBOUND_COALESCE_MS: "100" })).toEqual({ maxWaitMs: 100, quietMs: 100 });
    expect(coalescingFor({ OUTBOUND_COALESCE_MS: "0" })).toBeNull();
    expect(coalescingFor({ OUTBOUND_COALESCE_MS: "soon" })).toBeNull();
  });

  it("a delivery pushes what is ready and re-schedules a burst still arriving, without waiting for it", async () => {
    const busy = await outboundSetup();
    const quiet = await connectedWorkspace(onlyObjects());
    const [lone] = await linkedContacts(quiet, "Lead", [{ email: "lone@example.com" }]);
    const burst = await linkedContacts(
      busy,
      "Lead",
      Array.from({ length: 150 }, (_, i) => ({ email: `arriving${i}@example.com` })),
    );
    // The quiet workspace's one change, a second old: ready.
    await apiWithoutSend(quiet, "PATCH", `/contacts/${lone!.contactId}`, { title: "Lone" });
    await env.DB.prepare(
      `UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds') WHERE workspace_id = ?`,
    )
      .bind(quiet.id)
      .run();
    // The busy workspace's burst, still arriving: 150 changes (less than a call), the newest stamped
    // 2 s ahead as if writes kept coming, so no machine is slow enough to see it quiet during the delivery.
    const stmt = env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at)
       VALUES (?, ?, 'contact', ?, 'upsert', '["title"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+2 seconds'))`,
    );
    await env.DB.prepare("UPDATE contacts SET title = 'Arrived' WHERE workspace_id = ?").bind(busy.id).run();
    await env.DB.batch(burst.map((c, i) => stmt.bind(`arriving_${i}`, busy.id, c.contactId)));
    await clearCalls();

    const rows = await env.DB.prepare(
      "SELECT id, workspace_id FROM outbox WHERE workspace_id IN (?, ?) AND processed_at IS NULL ORDER BY workspace_id = ?",
    )
      .bind(busy.id, quiet.id, quiet.id)
      .all<{ id: string; workspace_id: string }>();
    // The burst's messages first: a consumer that waited for it would hold the lone change behind it.
    const batch = createMessageBatch(
      "sync-outbound",
      rows.results.map((r, i) => ({
        id: `m${i}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "outbound_change", workspaceId: r.workspace_id, outboxId: r.id },
      })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(151);
    // The lone change went out in this delivery; the burst is still waiting, unclaimed, re-scheduled.
    expect((await sfRecord("Lead", lone!.salesforceId)).Title).toBe("Lone");
    expect((await collectionCalls()).map((c) => c.records)).toEqual([1]);
    const waiting = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL AND run_id IS NULL",
    )
      .bind(busy.id)
      .first<{ n: number }>();
    expect(waiting!.n).toBe(150);
    // Its re-scheduled message pushes it, through the real queue, in one call, once it is ready.
    const [run] = await pushed(busy, 1);
    expect(run).toMatchObject({ status: "completed", counts: { updated: 150 } });
    expect((await collectionCalls()).map((c) => c.records)).toEqual([1, 150]);
    expect((await sfRecord("Lead", burst[149]!.salesforceId)).Title).toBe("Arrived");
  });

  it("a burst of 600 API writes reaches Salesforce in whole calls, however fast the machine writes them", async () => {
    const ws = await outboundSetup();
    const linked = await linkedContacts(
      ws,
      "Lead",
      Array.from({ length: 600 }, (_, i) => ({ email: `burst${i}@example.com` })),
    );
    await clearCalls();
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < linked.length) {
          const i = next++;
          await apiJson(ws, "PATCH", `/contacts/${linked[i]!.contactId}`, { title: `Burst ${i}` });
        }
      }),
    );
    await drained(ws);
    const calls = (await collectionCalls()).map((c) => c.records!);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(600);
    // Pushed as they came, the consumer's ≤100-message deliveries make 6 or more calls (with
    // OUTBOUND_COALESCE_MS=0 this test saw 108, 100, 99, 99, 102, 92). The rule allows a call short
    // of 200 only when a group went quiet or its oldest change waited the longest wait: how often
    // that can happen depends on how fast this machine wrote the burst, so the bound is computed
    // from the arrival times D1 stamped (a fast machine: 3 whole calls + 1–2; a loaded one, more).
    const { results } = await env.DB.prepare("SELECT created_at FROM outbox WHERE workspace_id = ? ORDER BY created_at")
      .bind(ws.id)
      .all<{ created_at: string }>();
    const short = windows(
      results.map((r) => Date.parse(r.created_at)),
      coalescing,
    );
    expect(calls.length).toBeLessThanOrEqual(3 + short);
    expect(calls.filter((n) => n < 200).length).toBeLessThanOrEqual(short);
  });
});

/** Waits until the workspace's outbox is drained and no outbound run is open; checks every run's counts. */
async function drained(ws: Ws) {
  await until("the burst pushed", async () => {
    const row = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM outbox WHERE workspace_id = ?1 AND processed_at IS NULL)
            + (SELECT count(*) FROM runs WHERE workspace_id = ?1 AND status = 'in_progress') AS n`,
    )
      .bind(ws.id)
      .first<{ n: number }>();
    return row!.n === 0;
  });
  await expectRunCountsMatchRecords(ws.id);
}

/**
 * How many calls short of 200 the coalescing rule can make for these arrival times: a group goes
 * early only once its oldest waiting change is `maxWaitMs` old or nothing arrived for `quietMs`, so
 * each such moment closes a window of arrivals; a window's changes go in whole calls plus at most
 * one short call. (A slower consumer only merges windows.)
 */
function windows(arrivals: number[], c: typeof coalescing): number {
  let count = 0;
  let start: number | null = null;
  let last = 0;
  for (const t of arrivals) {
    if (start !== null && (t - start >= c.maxWaitMs || t - last >= c.quietMs)) start = null;
    if (start === null) {
      count++;
      start = t;
    }
    last = t;
  }
  return count;
}
