import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dbOver, type ShardEnv } from "../../worker/db";
import { armWakes, sendWake, WAKE_OVERDUE_MS } from "../../worker/sync/outbound/wake";
import {
  apiJson,
  apiWithoutSend,
  brokenQueue,
  clearCalls,
  collectionCalls,
  cronTick,
  linkedContacts,
  outboundSetup,
  pushed,
  sfRecord,
  until,
} from "./outbound.fixtures";
import { age, deliver, pending, recordingApi, wakes } from "./outbound-wakes.fixtures";
import { connectedWorkspace, onlyObjects } from "./sync-helpers";

// One wake per workspace × object instead of one queue message per API write (worker/sync/outbound/wake.ts):
// far fewer messages, yet every change reaches Salesforce exactly once, a change written after the consumer
// looked still goes out, and a lost send neither loses a change nor silences the workspace's later writes.

describe("outbound wakes", () => {
  it("a burst of 30 writes sends one message, and its delivery pushes all 30 changes, each once", async () => {
    const ws = await outboundSetup();
    const linked = await linkedContacts(
      ws,
      "Lead",
      Array.from({ length: 30 }, (_, i) => ({ email: `wake${i}@example.com` })),
    );
    await clearCalls();
    const api = recordingApi();
    const started = Date.now();
    for (const [i, l] of linked.entries())
      await api.request(ws, "PATCH", `/contacts/${l.contactId}`, { title: `W${i}` });
    // The first write made the wake; the others found it and sent nothing (on a machine slow enough to
    // take longer than the wake's delay, a write takes the late wake over, at most every WAKE_OVERDUE_MS).
    // The message is the old shape (one outbox row named), delayed by the quiet wait so it does not
    // arrive before it could push.
    const late = Math.max(0, Math.ceil((Date.now() - started - 1000) / WAKE_OVERDUE_MS));
    expect(api.sent.length).toBeGreaterThanOrEqual(1);
    expect(api.sent.length).toBeLessThanOrEqual(1 + late);
    const sentInBurst = api.sent.length;
    expect(api.sent[0]!.body).toMatchObject({
      type: "outbound_change",
      workspaceId: ws.id,
      outboxId: expect.any(String),
    });
    expect(api.sent[0]!.delaySeconds).toBe(1);
    expect(await wakes(ws)).toEqual([{ entity_type: "contact", due_at: expect.any(String) }]);
    expect(await pending(ws)).toEqual({ n: 30, stamped: 30 });

    await age(ws);
    const result = await deliver([api.sent[0]!.body]);
    expect(result).toMatchObject({ retryMessages: [], explicitAcks: ["w0"] });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ status: "completed", counts: { updated: 30 } });
    expect((await collectionCalls()).map((c) => c.records)).toEqual([30]);
    expect((await sfRecord("Lead", linked[29]!.salesforceId)).Title).toBe("W29");
    // The delivery took the wake away: the next write sends a new one.
    expect(await wakes(ws)).toEqual([]);
    await api.request(ws, "PATCH", `/contacts/${linked[0]!.contactId}`, { title: "After" });
    expect(api.sent).toHaveLength(sentInBurst + 1);
  });

  it("a write committed after the consumer took the wake away sends its own, and goes out", async () => {
    const ws = await outboundSetup();
    const [a, b] = await linkedContacts(ws, "Lead", [{ email: "before@example.com" }, { email: "after@example.com" }]);
    await clearCalls();
    const api = recordingApi();
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Before" });
    expect(api.sent).toHaveLength(1);
    // The delivery of that wake, its change not ready yet (stamped 2 s ahead, so no machine is slow enough
    // to see it ready): the wake is armed again, with a message of its own (the real queue) due when it will be.
    await env.DB.prepare(
      `UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+2 seconds') WHERE workspace_id = ?`,
    )
      .bind(ws.id)
      .run();
    const first = await deliver([api.sent[0]!.body]);
    expect(first.retryMessages).toEqual([]);
    const [armed] = await wakes(ws);
    expect(armed).toBeDefined();
    // Written while the armed wake waits: covered by it, nothing sent.
    await api.request(ws, "PATCH", `/contacts/${b!.contactId}`, { title: "Covered" });
    expect(api.sent).toHaveLength(1);
    // The armed wake's own delivery (through the real queue) pushes both, once.
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 2 });
    expect((await sfRecord("Lead", b!.salesforceId)).Title).toBe("Covered");
    // …and took the wake away before it looked: a write now sends a new one.
    expect(await wakes(ws)).toEqual([]);
    await api.request(ws, "PATCH", `/contacts/${b!.contactId}`, { title: "Later" });
    expect(api.sent).toHaveLength(2);
  });

  it("a failed send leaves no wake behind: the cron sweep sends the change, and later writes wake the consumer again", async () => {
    const ws = await outboundSetup();
    const [a, b] = await linkedContacts(ws, "Lead", [{ email: "lost@example.com" }, { email: "next@example.com" }]);
    await clearCalls();
    await apiWithoutSend(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Lost send" });
    expect(await wakes(ws)).toEqual([]);
    expect(await pending(ws)).toEqual({ n: 1, stamped: 0 });
    // Not silenced: the next write makes a wake and its message goes out (the real queue).
    await apiJson(ws, "PATCH", `/contacts/${b!.contactId}`, { title: "Next" });
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 2 });
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Lost send");

    // Changes written while a wake existed relied on its message: when that send fails, they go to the
    // sweep too (their sent stamp is cleared with the wake, in one batch).
    const api = recordingApi();
    await env.DB.prepare(
      `INSERT INTO outbound_wakes (workspace_id, entity_type, due_at) VALUES (?, 'contact', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+3 seconds'))`,
    )
      .bind(ws.id)
      .run();
    const covered = await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Swept" });
    expect(api.sent).toHaveLength(0);
    const [row] = (
      await env.DB.prepare("SELECT id FROM outbox WHERE entity_id = ? AND processed_at IS NULL")
        .bind(covered.id)
        .all<{ id: string }>()
    ).results;
    const broken = { ...env, shard: "DB", OUTBOUND_QUEUE: brokenQueue() } as unknown as ShardEnv;
    expect(await sendWake(broken, dbOver(env.DB), ws.id, [row!.id], ["contact"])).toBe(false);
    expect(await wakes(ws)).toEqual([]);
    expect(await pending(ws)).toEqual({ n: 1, stamped: 0 });
    await cronTick();
    await pushed(ws, 2);
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Swept");
  });

  it("a wake past its due time is late: the next write takes it over and sends at once", async () => {
    const ws = await outboundSetup();
    const [a] = await linkedContacts(ws, "Lead", [{ email: "stale@example.com" }]);
    const api = recordingApi();
    const wake = env.DB.prepare(
      `INSERT INTO outbound_wakes (workspace_id, entity_type, due_at) VALUES (?, 'contact', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))`,
    );
    // Due in a while (a delivery armed it for when the burst will be ready): it covers the write.
    await wake.bind(ws.id, "+3 seconds").run();
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Covered" });
    expect(api.sent).toHaveLength(0);
    // Late by more than WAKE_OVERDUE_MS (its message waits in a busy queue, or was lost): taken over,
    // and its message goes without the usual delay, since what waited may be ready already.
    await env.DB.prepare("DELETE FROM outbound_wakes WHERE workspace_id = ?").bind(ws.id).run();
    await wake.bind(ws.id, `-${(WAKE_OVERDUE_MS + 1000) / 1000} seconds`).run();
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Taken over" });
    expect(api.sent).toHaveLength(1);
    expect(api.sent[0]!.delaySeconds).toBeUndefined();
    // Its delivery pushes both changes as one (nothing left pending for a later test's sweep).
    await deliver([api.sent[0]!.body]);
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 1 });
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Taken over");
  });

  it("two workspaces' bursts stay independent: each has its own wake, and a delivery takes only its own away", async () => {
    const one = await outboundSetup();
    const two = await connectedWorkspace(onlyObjects());
    const [a] = await linkedContacts(one, "Lead", [{ email: "one@example.com" }]);
    const [b] = await linkedContacts(two, "Lead", [{ email: "two@example.com" }]);
    await clearCalls();
    const api = recordingApi();
    await api.request(one, "PATCH", `/contacts/${a!.contactId}`, { title: "One" });
    await api.request(two, "PATCH", `/contacts/${b!.contactId}`, { title: "Two" });
    await api.request(one, "POST", "/companies", { name: "One's company" });
    // One message per workspace × object: the company has its own wake.
    expect(api.sent.map((s) => s.body.workspaceId)).toEqual([one.id, two.id, one.id]);
    expect((await wakes(one)).map((w) => w.entity_type).sort()).toEqual(["company", "contact"]);

    await age(one);
    await deliver([api.sent[0]!.body]);
    expect((await wakes(one)).map((w) => w.entity_type)).toEqual(["company"]);
    expect(await wakes(two)).toHaveLength(1);
    await until("workspace one's contact pushed", async () => (await pending(one)).n === 1);
    expect(await pending(two)).toMatchObject({ n: 1 });
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("One");
  });
});

describe("arming a wake again", () => {
  const dueIn = (ws: Parameters<typeof wakes>[0], seconds: number) =>
    env.DB.prepare(
      `INSERT INTO outbound_wakes (workspace_id, entity_type, due_at)
       VALUES (?, 'contact', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ? || ' seconds'))
       ON CONFLICT (workspace_id, entity_type) DO UPDATE SET due_at = excluded.due_at`,
    )
      .bind(ws.id, seconds)
      .run();
  type Ws = Parameters<typeof wakes>[0];
  const secondsLeft = async (ws: Ws) =>
    (await wakes(ws)).map((w) => Math.abs(Math.round((Date.parse(w.due_at) - Date.now()) / 1000)));

  it("takes over a wake due later (another delivery's pause), never one due sooner (a write's)", async () => {
    const ws = await connectedWorkspace(onlyObjects());
    const db = dbOver(env.DB);
    const group = { workspaceId: ws.id, type: "contact" as const };
    // Another delivery paused the group 60 s for changes a push held; a backlog armed at once is not held up by it.
    await dueIn(ws, 60);
    expect(await armWakes(db, [{ ...group, delaySeconds: 0 }])).toEqual(new Set([`${ws.id}|contact`]));
    expect(await secondsLeft(ws)).toEqual([0]);
    // A wake due sooner covers the look asked for: nothing armed, no message to send.
    await dueIn(ws, 1);
    expect(await armWakes(db, [{ ...group, delaySeconds: 4 }])).toEqual(new Set());
    expect(await secondsLeft(ws)).toEqual([1]);
    await env.DB.prepare("DELETE FROM outbound_wakes WHERE workspace_id = ?").bind(ws.id).run();
  });
});
