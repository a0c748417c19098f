import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker";
import { expectRunCountsMatchRecords } from "./assert-counts";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  collectionCalls,
  cronTick,
  linkedContacts,
  outboundSetup,
  pushed,
  recordsOf,
  setFaults,
  sfRecord,
  until,
  type Ws,
} from "./outbound.fixtures";

async function outboxRows(ws: Ws) {
  const { results } = await env.DB.prepare("SELECT * FROM outbox WHERE workspace_id = ? ORDER BY created_at, id")
    .bind(ws.id)
    .all<Record<string, any>>();
  return results;
}

/** Hands the outbox rows to the Worker's queue handler as one batch, as Queues would, and returns what it acked. */
async function deliver(ws: Ws, attempts = 1) {
  const messages = (await outboxRows(ws)).map((r, i) => ({
    id: `msg-${i}`,
    timestamp: new Date(),
    attempts,
    body: { type: "outbound_change", workspaceId: ws.id, outboxId: r.id },
  }));
  const batch = createMessageBatch("sync-outbound", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("outbound delivery", () => {
  beforeEach(clearCalls);

  it("a change whose queue send failed is safe in the outbox and reaches Salesforce on the next cron tick", async () => {
    const ws = await outboundSetup();
    const contact = await apiWithoutSend(ws, "POST", "/contacts", {
      email: "survivor@example.com",
      lastName: "Survivor",
    });
    const [row] = await outboxRows(ws);
    expect(row).toMatchObject({ entity_id: contact.id, sent_at: null, processed_at: null });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await collectionCalls()).toEqual([]);

    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ salesforceObject: "Lead", counts: { created: 1 } });
    const after = await apiJson(ws, "GET", `/contacts/${contact.id}`);
    expect(await sfRecord("Lead", after.salesforceId)).toMatchObject({
      Email: "survivor@example.com",
      LastName: "Survivor",
    });
    expect((await outboxRows(ws))[0]).toMatchObject({
      run_id: run.id,
      sent_at: expect.any(String),
      processed_at: expect.any(String),
    });
  });

  it("several changes to one contact collapse into one write of its current state", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "often@example.com" }]);
    await apiWithoutSend(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "First" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Second", phone: "+1 555 0101" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${lead!.contactId}`, { firstName: "Finally" });
    const result = await deliver(ws);
    expect(result.explicitAcks).toHaveLength(3);
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ updated: 1 });
    const [record] = await recordsOf(ws, run.id);
    expect(record.changes).toEqual([
      { field: "FirstName", from: null, to: "Finally" },
      { field: "Title", from: null, to: "Second" },
      { field: "Phone", from: null, to: "+1 555 0101" },
    ]);
    expect((await collectionCalls()).map((c) => c.records)).toEqual([1]);
    expect((await outboxRows(ws)).map((r) => r.run_id)).toEqual([run.id, run.id, run.id]);
  });

  it("a redelivered batch finds its own run: no second run, no second write, counts unchanged", async () => {
    const ws = await outboundSetup();
    const linked = await linkedContacts(ws, "Lead", [{ email: "r1@example.com" }, { email: "r2@example.com" }]);
    for (const l of linked) await apiWithoutSend(ws, "PATCH", `/contacts/${l.contactId}`, { title: "Once" });
    // Ready (quiet for longer than the coalescing wait), so this delivery pushes them itself rather than
    // arming a wake whose own message (another batch key) would: its redeliveries are what is tested.
    await env.DB.prepare(
      `UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds') WHERE workspace_id = ?`,
    )
      .bind(ws.id)
      .run();
    await deliver(ws);
    const [run] = await pushed(ws, 1);

    const again = await deliver(ws, 2);
    expect(again.explicitAcks).toHaveLength(2);
    expect(await pushed(ws, 1)).toEqual([run]);

    // A delivery that died after committing its writes but before closing its run: the next delivery closes it.
    await env.DB.prepare(
      "UPDATE runs SET status = 'in_progress', finished_at = NULL, created = 0, updated = 0 WHERE id = ?",
    )
      .bind(run.id)
      .run();
    await deliver(ws, 3);
    const [resumed] = await pushed(ws, 1);
    expect(resumed).toMatchObject({ id: run.id, status: "completed", counts: { updated: 2 } });
    expect((await collectionCalls()).map((c) => c.records)).toEqual([2]);
  });

  it("a transient Salesforce failure is retried through the queue and the same run completes", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "flaky@example.com" }]);
    // Three 503s use up the client's own retries; the fourth lands on the queue's second delivery.
    await setFaults({ http503: 4 });
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Persistent" });
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ status: "completed", counts: { updated: 1 } });
    expect((await sfRecord("Lead", lead!.salesforceId)).Title).toBe("Persistent");
  });

  it("a failure that outlasts the retries fails the run; the change stays in the outbox and goes out once Salesforce is back", async () => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "later@example.com" }]);
    await setFaults({ http503: 1000 });
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Later" });
    const [failed] = await pushed(ws, 1, { drained: false });
    expect(failed).toMatchObject({
      status: "failed",
      failure: { code: "unknown_error", message: "Unknown error" },
      counts: { updated: 0, failed: 0 },
    });
    expect((await outboxRows(ws))[0]!.processed_at).toBeNull();

    await setFaults({ http503: 0 });
    // The claim lapses after a few minutes; then the sweep sends the change again.
    await env.DB.prepare("UPDATE outbox SET sent_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ?")
      .bind(ws.id)
      .run();
    await cronTick();
    const runs = await pushed(ws, 2);
    expect(runs[1]).toMatchObject({ status: "completed", counts: { updated: 1 } });
    expect((await sfRecord("Lead", lead!.salesforceId)).Title).toBe("Later");
  });

  it.each([
    [
      { expireAccessTokens: true, revokeRefreshTokens: true },
      "authentication_failure",
      "Authentication failure",
      "Reconnect Salesforce from the Overview tab.",
    ],
    [
      { limitReached: true },
      "api_limit_exceeded",
      "API limit exceeded",
      "Wait for the limit to reset, and review your usage under Rate limits.",
    ],
    [
      { unreadable: { Lead: "INVALID_TYPE" } },
      "insufficient_permissions",
      "Insufficient permissions",
      "Review the integration user’s permission set in Salesforce.",
    ],
  ])("a whole-run failure (%j) fails the run as %s with what to do", async (faults, code, message, action) => {
    const ws = await outboundSetup();
    const [lead] = await linkedContacts(ws, "Lead", [{ email: "whole@example.com" }]);
    await setFaults(faults);
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Blocked" });
    const [run] = await pushed(ws, 1, { drained: false });
    expect(run).toMatchObject({ status: "failed", failure: { code, message, action } });
    expect(run.failure.detail).toEqual(expect.any(String));
    expect(await expectRunCountsMatchRecords(ws.id)).toBe(1);
  });

  it("changes to different contacts wait for each other only per entity: a held contact is looked at again shortly", async () => {
    const ws = await outboundSetup();
    const [a, b] = await linkedContacts(ws, "Lead", [{ email: "a@example.com" }, { email: "b@example.com" }]);
    await apiWithoutSend(ws, "PATCH", `/contacts/${a!.contactId}`, { title: "A" });
    // Another consumer holds contact A (a live claim): this batch pushes B and re-schedules A.
    await env.DB.prepare("UPDATE outbox SET run_id = 'obb_someone_else', sent_at = ? WHERE workspace_id = ?")
      .bind(new Date().toISOString(), ws.id)
      .run();
    await apiWithoutSend(ws, "PATCH", `/contacts/${a!.contactId}`, { phone: "+1 555 0102" });
    await apiWithoutSend(ws, "PATCH", `/contacts/${b!.contactId}`, { title: "B" });
    const rows = await outboxRows(ws);
    const messages = rows.slice(1).map((r, i) => ({
      id: `m${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "outbound_change", workspaceId: ws.id, outboxId: r.id },
    }));
    const batch = createMessageBatch("sync-outbound", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    // Both acked: A's change is not retried as a failure but sent again, delayed, as a message of its own.
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    const pushedB = await until("B pushed", async () => (await sfRecord("Lead", b!.salesforceId)).Title === "B");
    expect(pushedB).toBe(true);
    expect((await sfRecord("Lead", a!.salesforceId)).Phone).toBeNull();
    // The holder finishes (its row is done): the re-scheduled message pushes A's change, no cron tick needed.
    await env.DB.prepare("UPDATE outbox SET processed_at = ? WHERE run_id = 'obb_someone_else'")
      .bind(new Date().toISOString())
      .run();
    const pushedA = await until(
      "A pushed",
      async () => (await sfRecord("Lead", a!.salesforceId)).Phone === "+1 555 0102",
    );
    expect(pushedA).toBe(true);
  });
});
