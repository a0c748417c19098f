import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { WAKE_LOST_MS } from "../../worker/sync/outbound/wake";
import { clearCalls, cronTick, linkedContacts, outboundSetup, pushed, sfRecord, until } from "./outbound.fixtures";
import { age, deliver, pending, recordingApi, wakes } from "./outbound-wakes.fixtures";

// A change under a wake never waits for the 5-minute sweep because of the wake: not when another push
// holds an entity of its group, not when the group's wake is a long pause for such a hold, and not when
// the wake's message was lost and no write came after it.

/** Another push's live claim on the contact's entity (a retry run's), as the claim sees it. */
async function holdEntity(ws: { id: string }, contactId: string, key: string) {
  await env.DB.prepare(
    `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, sent_at, run_id)
     VALUES (?, ?, 'contact', ?, 'upsert', '["title"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)`,
  )
    .bind(`obx_held_${key}`, ws.id, contactId, key)
    .run();
  return () =>
    env.DB.prepare(`UPDATE outbox SET processed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), run_id = NULL WHERE id = ?`)
      .bind(`obx_held_${key}`)
      .run();
}

describe("outbound wakes and changes held back", () => {
  it("a change another push holds back keeps its group's wake armed, and goes out once the hold ends", async () => {
    const ws = await outboundSetup();
    const [a, b] = await linkedContacts(ws, "Lead", [{ email: "free@example.com" }, { email: "held@example.com" }]);
    const release = await holdEntity(ws, b!.contactId, "obr_hold1");
    await clearCalls();
    const api = recordingApi();
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Free" });
    await api.request(ws, "PATCH", `/contacts/${b!.contactId}`, { title: "Held" });
    expect(api.sent).toHaveLength(1);
    await age(ws);
    // The wake's delivery pushes A; B's entity is held, so its change is left, and the wake armed for it
    // (naming B's change: A's is done). Its re-deliveries come through the real queue, 1, 2, 4 … s apart.
    await deliver([api.sent[0]!.body]);
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Free");
    expect(await wakes(ws)).toHaveLength(1);
    // Still held at the first re-delivery (1 s): the wake must stay armed through it.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await wakes(ws)).toHaveLength(1);
    await release();
    await until("B pushed", async () => (await sfRecord("Lead", b!.salesforceId)).Title === "Held", 20_000);
    expect(await pending(ws)).toMatchObject({ n: 0 });
  });

  it("a long pause armed for a held change does not hold back a new change to another entity", async () => {
    const ws = await outboundSetup();
    const [a] = await linkedContacts(ws, "Lead", [{ email: "unrelated@example.com" }]);
    const api = recordingApi();
    // The pause a hold's later rounds arm (batch.ts: up to 60 s).
    await env.DB.prepare(
      `INSERT INTO outbound_wakes (workspace_id, entity_type, due_at) VALUES (?, 'contact', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+60 seconds'))`,
    )
      .bind(ws.id)
      .run();
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Not behind the pause" });
    // Taken over: a message now, and the wake due now (its message's delivery looks at once).
    expect(api.sent).toHaveLength(1);
    expect(api.sent[0]!.delaySeconds).toBeUndefined();
    const [wake] = await wakes(ws);
    expect(Date.parse(wake!.due_at)).toBeLessThan(Date.now() + 5000);
    // Its delivery pushes the change (and leaves nothing pending for a later test's sweep).
    await deliver([api.sent[0]!.body]);
    await pushed(ws, 1);
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Not behind the pause");
  });

  it("a wake whose message was lost, with no write after it: the next cron sweep sends its changes", async () => {
    const ws = await outboundSetup();
    const [a] = await linkedContacts(ws, "Lead", [{ email: "lost.wake@example.com" }]);
    await clearCalls();
    const api = recordingApi();
    // Its message never reaches a consumer (recorded here, not delivered).
    await api.request(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "Lost wake" });
    expect(api.sent).toHaveLength(1);
    expect(await pending(ws)).toEqual({ n: 1, stamped: 1 });
    // A sweep while the wake is merely late leaves it alone (its message may still come).
    await cronTick();
    expect(await wakes(ws)).toHaveLength(1);
    // Past WAKE_LOST_MS overdue: the sweep deletes it and sends the change it covered.
    await env.DB.prepare(
      `UPDATE outbound_wakes SET due_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE workspace_id = ?`,
    )
      .bind(`-${WAKE_LOST_MS / 1000 + 1} seconds`, ws.id)
      .run();
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 1 });
    expect((await sfRecord("Lead", a!.salesforceId)).Title).toBe("Lost wake");
    expect(await wakes(ws)).toEqual([]);
  });
});
