import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker";
import { onShard, type Shard } from "../../worker/db";
import { resendWaiting, sweepOutbox } from "../../worker/sync/outbound";
import { clearCalls, collectionCalls, linkedContacts, outboundSetup, pushed, type Ws } from "./outbound.fixtures";
import { pending, type Sent, wakes } from "./outbound-wakes.fixtures";
import { connectedWorkspace, fake, onlyObjects } from "./sync-helpers";

// The outbox sweep (worker/sync/outbound/sweep.ts) sends one message per group (workspace × object) with
// changes due, not one per change: a delivery pushes its group's pending changes, so a workspace with
// thousands of waiting changes costs one message per tick and never takes the tick's budget from another.

/** A queue that records what it is sent instead of delivering it (then runs `afterSend`, if given). */
function recorder(afterSend?: () => Promise<unknown>) {
  const sent: Sent[] = [];
  const queue = {
    send: async (body: unknown, options?: { delaySeconds?: number }) => void sent.push({ body, ...options }),
    sendBatch: async (messages: { body: unknown; delaySeconds?: number }[]) => {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
      await afterSend?.();
    },
  };
  return { sent, env: onShard({ ...env, OUTBOUND_QUEUE: queue } as unknown as Env, "DB" as Shard) };
}

/**
 * `n` linked Leads whose change is in the outbox, as API writes leave them when their send never
 * happened (`sentAgo` null) or when it was sent and lost: the sweep's to resend.
 */
async function waitingChanges(ws: Ws, n: number, createdAgo: string, sentAgo: string | null = null) {
  const linked = await linkedContacts(
    ws,
    "Lead",
    Array.from({ length: n }, (_, i) => ({ email: `swept${i}@${ws.id}.example.com` })),
  );
  const change = env.DB.prepare("UPDATE contacts SET title = ? WHERE id = ?");
  const row = env.DB.prepare(
    `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at, sent_at)
     VALUES (?, ?, 'contact', ?, 'upsert', '["title"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?),
       CASE WHEN ? IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) END)`,
  );
  // Zero-padded ids: the oldest (by created_at, then id) is the first.
  const ids = linked.map((_, i) => `obx_${ws.id}_${String(i).padStart(5, "0")}`);
  for (let i = 0; i < n; i += 500)
    await env.DB.batch(
      linked
        .slice(i, i + 500)
        .flatMap((l, j) => [
          change.bind(`Swept ${i + j}`, l.contactId),
          row.bind(ids[i + j], ws.id, l.contactId, createdAgo, sentAgo, sentAgo),
        ]),
    );
  return { linked, ids };
}

/** Hands messages to the real Worker's queue handler as one delivery, re-arms going to `queue`. */
async function deliverTo(queue: ReturnType<typeof recorder>, bodies: unknown[]) {
  const batch = createMessageBatch(
    "sync-outbound",
    bodies.map((body, i) => ({ id: `s${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, OUTBOUND_QUEUE: queue.env.OUTBOUND_QUEUE } as Env, ctx);
  return getQueueResult(batch, ctx);
}

const leadTitles = async () =>
  new Map(
    (await fake<{ records: { Id: string; Title: string | null }[] }>("GET", "/__fake/records/Lead")).records.map(
      (r) => [r.Id, r.Title],
    ),
  );

describe("outbox sweep", () => {
  it("2,000 changes of one workspace and 1 lost change of another: one tick sends two messages, each change goes once", async () => {
    const big = await outboundSetup();
    const small = await connectedWorkspace(onlyObjects());
    // The big workspace's changes are older than the small one's: oldest change first, per change, the
    // tick's 1,000 messages were all the big workspace's and the small one's change waited behind them.
    const a = await waitingChanges(big, 2000, "-10 minutes");
    const b = await waitingChanges(small, 1, "-7 minutes", "-6 minutes");
    await clearCalls();

    const queue = recorder();
    expect(await sweepOutbox(queue.env)).toBe(2);
    expect(queue.sent.map((m) => m.body)).toEqual([
      { type: "outbound_change", workspaceId: big.id, outboxId: a.ids[0], shard: "DB" },
      { type: "outbound_change", workspaceId: small.id, outboxId: b.ids[0], shard: "DB" },
    ]);
    // Stamped: what one delivery claims (1,000), the rest still due for the next tick.
    expect(await pending(big)).toEqual({ n: 2000, stamped: 1000 });
    expect(await pending(small)).toEqual({ n: 1, stamped: 1 });

    // Through the real queue: the big group's delivery pushes 1,000 and arms its wake for the rest.
    await env.OUTBOUND_QUEUE.sendBatch(queue.sent.map((m) => ({ body: m.body })));
    const [smallRun] = await pushed(small, 1);
    expect(smallRun.counts).toMatchObject({ updated: 1 });
    // 2,000 changes through the real queue: on a loaded 2-core machine this took over 30 s for 3,000.
    const bigRuns = await pushed(big, 10, { timeoutMs: 90_000 });
    expect(bigRuns.every((r) => r.status === "completed" && r.counts.updated === 200)).toBe(true);

    // Each of the 2,001 Leads written once: 2,001 records in all, each Lead with its own title.
    const calls = await collectionCalls();
    expect(calls.every((c) => c.op === "update" && c.object === "Lead")).toBe(true);
    expect(calls.reduce((n, c) => n + (c.records ?? 0), 0)).toBe(2001);
    const titles = await leadTitles();
    for (const [i, l] of a.linked.entries()) expect(titles.get(l.salesforceId)).toBe(`Swept ${i}`);
    expect(titles.get(b.linked[0]!.salesforceId)).toBe("Swept 0");
    expect(await wakes(big)).toEqual([]);
  });

  it("a group past one claim: a full delivery arms its wake at once for the rest", async () => {
    const ws = await outboundSetup();
    const { linked, ids } = await waitingChanges(ws, 1200, "-10 minutes");
    await clearCalls();
    const queue = recorder();
    expect(await sweepOutbox(queue.env)).toBe(1);
    expect(queue.sent).toEqual([{ body: expect.objectContaining({ outboxId: ids[0] }) }]);
    expect(await pending(ws)).toEqual({ n: 1200, stamped: 1000 });

    // 1,000 a delivery (five calls); what is left is armed at once: a backlog, not a wait (before, it was
    // paused 1, 2, 4 … 60 s like changes another push holds, and left to the sweep after ten rounds).
    const first = await deliverTo(queue, [queue.sent[0]!.body]);
    expect(first.retryMessages).toEqual([]);
    expect(await pending(ws)).toMatchObject({ n: 200 });
    expect(queue.sent).toHaveLength(2);
    expect(queue.sent[1]!.delaySeconds).toBe(0);
    expect(await wakes(ws)).toHaveLength(1);
    // The rest is less than a claim: once pushed, nothing is armed.
    await deliverTo(queue, [queue.sent[1]!.body]);
    expect(queue.sent).toHaveLength(2);
    expect(await wakes(ws)).toEqual([]);
    const runs = await pushed(ws, 6);
    expect(runs.reduce((n, r) => n + r.counts.updated, 0)).toBe(1200);
    expect((await collectionCalls()).reduce((n, c) => n + (c.records ?? 0), 0)).toBe(1200);
    const titles = await leadTitles();
    for (const [i, l] of linked.entries()) expect(titles.get(l.salesforceId)).toBe(`Swept ${i}`);
  });

  it("a full claim stopped by its call (tokens that cannot be read) is paused round by round, not claimed again at once", async () => {
    const ws = await outboundSetup();
    await waitingChanges(ws, 1200, "-10 minutes");
    // As after TOKEN_ENCRYPTION_KEY was rotated without _PREVIOUS: connected, yet every call fails to authenticate.
    await env.DB.prepare(
      "UPDATE connections SET access_token_enc = 'unreadable', refresh_token_enc = 'unreadable' WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .run();
    const queue = recorder();
    expect(await sweepOutbox(queue.env)).toBe(1);
    await deliverTo(queue, [queue.sent[0]!.body]);
    // Its call failed and let the 1,000 go: they wait 1 s, then 2, 4 … 60 s, each a round (MAX_ROUNDS, then the
    // sweep). Armed due at once in the same round, the group would fail again at queue speed, a Failed run each time.
    expect(queue.sent).toHaveLength(2);
    expect(queue.sent[1]).toMatchObject({ delaySeconds: 1, body: expect.objectContaining({ round: 1 }) });
    const failed = await env.DB.prepare(
      "SELECT failure_code FROM runs WHERE workspace_id = ? AND direction = 'outbound' AND status = 'failed'",
    )
      .bind(ws.id)
      .all();
    expect(failed.results).toEqual([{ failure_code: "authentication_failure" }]);
    await env.DB.prepare("DELETE FROM outbox WHERE workspace_id = ?").bind(ws.id).run();
  });

  it("a delivery that claims before the sweep stamps keeps its claim, and the rows past it stay due", async () => {
    const ws = await connectedWorkspace(onlyObjects());
    const row = env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at)
       VALUES (?, ?, 'contact', ?, 'upsert', '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes'))`,
    );
    const ids = Array.from({ length: 1500 }, (_, i) => `obx_race_${String(i).padStart(4, "0")}`);
    for (let i = 0; i < ids.length; i += 500)
      await env.DB.batch(ids.slice(i, i + 500).map((id) => row.bind(id, ws.id, `ct_${id}`)));
    // A consumer as fast as can be: it claims the group's oldest 1,000 while the send returns.
    const queue = recorder(() =>
      env.DB.prepare(
        `UPDATE outbox SET run_id = 'obb_fast', sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id IN (SELECT id FROM outbox WHERE workspace_id = ? ORDER BY created_at, id LIMIT 1000)`,
      )
        .bind(ws.id)
        .run(),
    );
    expect(await sweepOutbox(queue.env)).toBe(1);
    const rows = await env.DB.prepare(
      "SELECT run_id, count(*) AS n, count(sent_at) AS stamped FROM outbox WHERE workspace_id = ? GROUP BY run_id ORDER BY run_id",
    )
      .bind(ws.id)
      .all();
    // The claim kept; the 500 no delivery has claimed are not stamped: the next tick sends for them.
    expect(rows.results).toEqual([
      { run_id: null, n: 500, stamped: 0 },
      { run_id: "obb_fast", n: 1000, stamped: 1000 },
    ]);
    await env.DB.prepare("DELETE FROM outbox WHERE workspace_id = ?").bind(ws.id).run();
  });

  it("resendWaiting sends one message per object of the workspace; a change under a live claim keeps it", async () => {
    const ws = await connectedWorkspace(onlyObjects());
    const row = env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at, sent_at, run_id)
       VALUES (?, ?, ?, ?, 'upsert', '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?), ?, ?)`,
    );
    const now = new Date().toISOString();
    await env.DB.batch([
      row.bind("obx_rw_c1", ws.id, "contact", "ct_rw_1", "-3 minutes", null, null),
      row.bind("obx_rw_c2", ws.id, "contact", "ct_rw_2", "-2 minutes", now, null),
      row.bind("obx_rw_c0", ws.id, "contact", "ct_rw_0", "-4 minutes", now, "obb_live"),
      row.bind("obx_rw_k1", ws.id, "company", "co_rw_1", "-1 minutes", null, null),
      row.bind("obx_rw_k2", ws.id, "company", "co_rw_2", "-1 minutes", null, null),
    ]);
    const queue = recorder();
    expect(await resendWaiting(queue.env, ws.id)).toBe(2);
    expect(queue.sent.map((m) => m.body)).toEqual([
      { type: "outbound_change", workspaceId: ws.id, outboxId: "obx_rw_c1", shard: "DB" },
      { type: "outbound_change", workspaceId: ws.id, outboxId: "obx_rw_k1", shard: "DB" },
    ]);
    const rows = await env.DB.prepare("SELECT id, sent_at, run_id FROM outbox WHERE workspace_id = ? ORDER BY id")
      .bind(ws.id)
      .all<{ id: string; sent_at: string | null; run_id: string | null }>();
    expect(rows.results.map((r) => [r.id, r.sent_at !== null, r.run_id])).toEqual([
      ["obx_rw_c0", true, "obb_live"],
      ["obx_rw_c1", true, null],
      ["obx_rw_c2", true, null],
      ["obx_rw_k1", true, null],
      ["obx_rw_k2", true, null],
    ]);
    // Nothing here exists to push: the rows go, so no later sweep in this file sends them.
    await env.DB.prepare("DELETE FROM outbox WHERE workspace_id = ?").bind(ws.id).run();
  });
  it("the cron's sweep leaves workspaces that cannot push (not connected) to their reconnect, however old their changes", async () => {
    const ws = await connectedWorkspace(onlyObjects());
    // 1,000 groups of workspaces with no connection, an hour old: oldest first, they would take the whole tick,
    // each a thousand changes re-stamped and a delivery that pushes nothing, every minute.
    await env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at)
       WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
       SELECT printf('obx_gone_%04d', i), printf('ws_gone_%04d', i), 'contact', 'ct_gone_' || i, 'upsert', '[]',
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hours') FROM n`,
    ).run();
    await env.DB.prepare(
      `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at)
       VALUES ('obx_can_push', ?, 'contact', 'ct_can_push', 'upsert', '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes'))`,
    )
      .bind(ws.id)
      .run();
    const queue = recorder();
    expect(await sweepOutbox(queue.env)).toBe(1);
    expect(queue.sent.map((m) => m.body)).toEqual([
      expect.objectContaining({ workspaceId: ws.id, outboxId: "obx_can_push" }),
    ]);
    const stamped = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE id LIKE 'obx_gone_%' AND sent_at IS NOT NULL",
    ).first();
    expect(stamped).toEqual({ n: 0 });
    // Once one connects, its changes go: resendWaiting (the OAuth callback's) sends them at once.
    await env.DB.prepare("UPDATE outbox SET workspace_id = ? WHERE id = 'obx_gone_0007'").bind(ws.id).run();
    const again = recorder();
    expect(await resendWaiting(again.env, ws.id)).toBe(1);
    expect(again.sent.map((m) => m.body)).toEqual([
      expect.objectContaining({ workspaceId: ws.id, outboxId: "obx_gone_0007" }),
    ]);
    await env.DB.prepare("DELETE FROM outbox WHERE id LIKE 'obx_gone_%' OR workspace_id = ?").bind(ws.id).run();
  });
});
