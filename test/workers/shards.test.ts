import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { onShard, type Shard } from "../../worker/db";
import worker from "../../worker/index";
import { resendWaiting } from "../../worker/sync/outbound";
import { ADMIN, callWith, d1Of, jsonInit, newWorkspace, shardOf } from "./helpers";
import { apiWithoutSend, cronTick, until } from "./outbound.fixtures";
import { connectedWorkspace, onlyObjects, resetFake, runsOf } from "./sync-helpers";

// Workspaces over two D1 databases (docs/shards.md): the test Worker binds DB (the directory and the
// first shard) and SHARD_1. Placement, the cron's reach and the queue messages' routing, on both.
// Isolation over every route with the two workspaces on different shards: tenancy.test.ts.

const d1 = (shard: string) => (env as unknown as Record<string, D1Database>)[shard]!;

async function countOn(shard: string, sql: string, ...params: unknown[]): Promise<number> {
  return (await d1(shard)
    .prepare(sql)
    .bind(...params)
    .first<{ n: number }>())!.n;
}

/** Delivers the bodies as one batch of `queue`, as the Queues runtime would. */
async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

afterEach(() => vi.restoreAllMocks());

describe("placement", () => {
  it("a new workspace goes to the shard with the fewest workspaces, and has its row there and in the directory", async () => {
    const held = async () => ({
      DB: await countOn("DB", "SELECT count(*) AS n FROM workspaces WHERE shard = 'DB'"),
      SHARD_1: await countOn("DB", "SELECT count(*) AS n FROM workspaces WHERE shard = 'SHARD_1'"),
    });
    const start = await held();
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const before = await held();
      const expected = before.SHARD_1 < before.DB ? "SHARD_1" : "DB";
      // Every bound shard open, as in production (the suite narrows it to DB: vitest.config.ts).
      const res = await callWith(
        { WORKSPACE_SHARDS: undefined },
        "/api/v1/admin/workspaces",
        jsonInit("POST", { name: `Placed ${i}` }, ADMIN),
      );
      expect(res.status).toBe(201);
      const { workspace } = (await res.json()) as { workspace: { id: string } };
      expect(await shardOf(workspace.id)).toBe(expected);
      expect(await countOn(expected, "SELECT count(*) AS n FROM workspaces WHERE id = ?", workspace.id)).toBe(1);
      if (expected !== "DB") {
        expect(await countOn("DB", "SELECT count(*) AS n FROM workspaces WHERE id = ?", workspace.id)).toBe(1);
      }
      placed.push(expected);
    }
    expect(new Set(placed)).toEqual(new Set(["DB", "SHARD_1"]));
    const after = await held();
    // Fewest first never widens the gap beyond what it was (or one).
    expect(Math.abs(after.DB - after.SHARD_1)).toBeLessThanOrEqual(Math.max(1, Math.abs(start.DB - start.SHARD_1)));
  });

  it("WORKSPACE_SHARDS naming no bound shard refuses to place (a 500, nothing written)", async () => {
    const before = await countOn("DB", "SELECT count(*) AS n FROM workspaces");
    const res = await callWith(
      { WORKSPACE_SHARDS: "SHARD_9" },
      "/api/v1/admin/workspaces",
      jsonInit("POST", { name: "Nowhere" }, ADMIN),
    );
    expect(res.status).toBe(500);
    expect(await countOn("DB", "SELECT count(*) AS n FROM workspaces")).toBe(before);
  });
});

describe("one cron tick reaches every shard", () => {
  it("reaps stalled runs, resends unsent outbox rows, plans due workspaces and prunes old runs on both shards", async () => {
    await resetFake({
      counts: { Account: 3, Lead: 0, Contact: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const onDb = await connectedWorkspace(onlyObjects("Account"), { shard: "DB" });
    const onShard1 = await connectedWorkspace(onlyObjects("Account"), { shard: "SHARD_1" });
    expect([await shardOf(onDb.id), await shardOf(onShard1.id)]).toEqual(["DB", "SHARD_1"]);

    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    const ancient = new Date(Date.now() - 100 * 86_400_000).toISOString();
    for (const ws of [onDb, onShard1]) {
      const db = await d1Of(ws.id);
      await db.batch([
        db
          .prepare(
            `INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, heartbeat_at)
             VALUES (?, ?, 'inbound', 'contact', 'Lead', 'incremental', 'in_progress', ?, ?)`,
          )
          .bind(`run_stalled_${ws.id}`, ws.id, stale, stale),
        db
          .prepare(
            `INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, finished_at, heartbeat_at)
             VALUES (?, ?, 'inbound', 'contact', 'Lead', 'incremental', 'completed', ?, ?, ?)`,
          )
          .bind(`run_old_${ws.id}`, ws.id, ancient, ancient, ancient),
      ]);
      // A change whose queue send failed after its commit: only the sweep sends it.
      await apiWithoutSend(ws, "POST", "/companies", { name: `Swept ${ws.id}` });
    }

    await cronTick();

    for (const ws of [onDb, onShard1]) {
      const shard = await shardOf(ws.id);
      const runs = await runsOf(ws.id);
      expect(
        runs.find((r) => r.id === `run_stalled_${ws.id}`),
        shard,
      ).toMatchObject({ status: "failed" });
      expect(
        runs.find((r) => r.id === `run_old_${ws.id}`),
        shard,
      ).toBeUndefined();
      // Planned: the cycle the tick queued reads the org's Accounts into this shard.
      await until(`${shard}'s planned Account run`, async () =>
        (await runsOf(ws.id)).some((r) => r.salesforce_object === "Account" && r.status === "completed"),
      );
      // Swept: the company went to Salesforce.
      await until(`${shard}'s swept outbox row`, async () => {
        const left = await countOn(
          shard,
          "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
          ws.id,
        );
        return left === 0;
      });
      const linked = await countOn(
        shard,
        "SELECT count(*) AS n FROM companies WHERE workspace_id = ? AND name = ? AND salesforce_id IS NOT NULL",
        ws.id,
        `Swept ${ws.id}`,
      );
      expect(linked, shard).toBe(1);
    }
    // Nothing of one shard's workspace was written to the other.
    expect(await countOn("DB", "SELECT count(*) AS n FROM runs WHERE workspace_id = ?", onShard1.id)).toBe(0);
    expect(await countOn("SHARD_1", "SELECT count(*) AS n FROM runs WHERE workspace_id = ?", onDb.id)).toBe(0);
  });
});

describe("queue messages find their shard", () => {
  const deadBatch = (workspaceId: string, extra: Record<string, unknown> = {}) => ({
    type: "inbound_batch",
    workspaceId,
    salesforceObject: "Lead",
    kind: "incremental",
    cycleId: `cycle_${Math.random().toString(36).slice(2)}`,
    batchNo: 0,
    after: null,
    limit: 100,
    remaining: [],
    ...extra,
  });
  const failedRuns = (shard: string, workspaceId: string) =>
    countOn(shard, "SELECT count(*) AS n FROM runs WHERE workspace_id = ? AND status = 'failed'", workspaceId);

  it("a message naming its shard runs there; one from before shards (no shard) is found through the directory", async () => {
    const ws = await newWorkspace("Routed", { shard: "SHARD_1" });
    const named = await deliver("sync-dead-letter", [deadBatch(ws.id, { shard: "SHARD_1" })]);
    expect(named.explicitAcks).toEqual(["msg-0"]);
    expect(await failedRuns("SHARD_1", ws.id)).toBe(1);
    const old = await deliver("sync-dead-letter", [deadBatch(ws.id)]);
    expect(old.explicitAcks).toEqual(["msg-0"]);
    expect(await failedRuns("SHARD_1", ws.id)).toBe(2);
    expect(await failedRuns("DB", ws.id)).toBe(0);
  });

  it("a message naming a shard not bound here, or no shard name at all, is set aside with a log line", async () => {
    const ws = await newWorkspace("Set aside", { shard: "SHARD_1" });
    const said = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const result = await deliver("sync-dead-letter", [
      deadBatch(ws.id, { shard: "SHARD_7" }),
      deadBatch(ws.id, { shard: "drop table" }),
      deadBatch("ws_nobody"),
    ]);
    expect(result.explicitAcks).toEqual(["msg-0", "msg-1", "msg-2"]);
    expect(result.retryMessages).toEqual([]);
    const lines = said.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toEqual([
      "queue message for no known shard set aside sync-dead-letter inbound_batch SHARD_7",
      "malformed queue message set aside sync-dead-letter inbound_batch shard: not a shard binding name",
      "queue message for no known shard set aside sync-dead-letter inbound_batch -",
    ]);
    expect(await failedRuns("SHARD_1", ws.id)).toBe(0);
  });

  it("every message the engine sends on a shard names it (the outbox's resend, here)", async () => {
    const ws = await newWorkspace("Stamped", { shard: "SHARD_1" });
    await apiWithoutSend(ws, "POST", "/companies", { name: "Stamped Co" });
    const sent: unknown[] = [];
    const recorder = {
      send: async (body: unknown) => void sent.push(body),
      sendBatch: async (messages: Iterable<{ body: unknown }>) => {
        for (const m of messages) sent.push(m.body);
      },
    } as unknown as Queue;
    // (Not connected, so the cron's sweep leaves it to its connection, whose resend is this one.)
    const swept = await resendWaiting(onShard({ ...env, OUTBOUND_QUEUE: recorder }, "SHARD_1" as Shard), ws.id);
    expect(swept).toBeGreaterThanOrEqual(1);
    expect(sent).toContainEqual({
      type: "outbound_change",
      workspaceId: ws.id,
      outboxId: expect.any(String),
      shard: "SHARD_1",
    });
    for (const body of sent) expect(body).toMatchObject({ shard: "SHARD_1" });
  });
});
