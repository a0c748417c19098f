import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  cronTick,
  fakeCalls,
  linkedContacts,
  outboundSetup,
  pushed,
  recordsOf,
  setFaults,
  type Ws,
} from "./outbound.fixtures";
import { connectedWorkspace, fake, onlyObjects } from "./sync-helpers";

// A create whose answer is lost after Salesforce committed it (the connection drops mid-answer, a
// 5xx from Salesforce or a proxy) is sent again by the next delivery. With Conversion's external-id
// field the create is an upsert on it; without, the journal and a look-up find the record.

const leadsByEmail = async (email: string) =>
  (await fake<{ records: Record<string, any>[] }>("GET", `/__fake/records/Lead?email=${encodeURIComponent(email)}`))
    .records;

/** Hands these outbox rows to the Worker's queue handler as one batch; returns what it asked to retry. */
async function deliver(ws: Ws, outboxIds: string[], attempts: number) {
  const batch = createMessageBatch(
    "sync-outbound",
    outboxIds.map((id, i) => ({
      id: `m${i}`,
      timestamp: new Date(),
      attempts,
      body: { type: "outbound_change", workspaceId: ws.id, outboxId: id },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return (await getQueueResult(batch, ctx)).retryMessages.length;
}

const outboxIdsOf = async (entityId: string) =>
  (
    await env.DB.prepare("SELECT id FROM outbox WHERE entity_id = ? ORDER BY created_at, id")
      .bind(entityId)
      .all<{ id: string }>()
  ).results.map((r) => r.id);

/** A small org, with or without Conversion_Id__c, and a workspace connected to it. */
async function orgWith(conversionIdField: boolean): Promise<Ws> {
  await fake("POST", "/__fake/reset", {
    seed: 7,
    defects: false,
    counts: { Account: 5, Contact: 5, Lead: 5, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    conversionIdField,
  });
  return connectedWorkspace(onlyObjects());
}

/** The one record in the org, the contact linked to it, the run's counts equal to its records, with Salesforce's times. */
async function expectCreatedOnce(ws: Ws, contactId: string, email: string) {
  const [run] = await pushed(ws, 1);
  expect(run).toMatchObject({ status: "completed", counts: { created: 1, updated: 0, failed: 0, skipped: 0 } });
  const leads = await leadsByEmail(email);
  expect(leads, "exactly one Lead in Salesforce").toHaveLength(1);
  const contact = await apiJson(ws, "GET", `/contacts/${contactId}`);
  expect(contact.salesforceId).toBe(leads[0]!.Id);
  const [record] = await recordsOf(ws, run.id);
  expect(record).toMatchObject({ status: "success", action: "created", salesforceId: leads[0]!.Id });
  expect(Date.parse(record.externalCreatedAt)).toBe(Date.parse(leads[0]!.CreatedDate));
  expect(Date.parse(record.externalUpdatedAt)).toBe(Date.parse(leads[0]!.LastModifiedDate));
  const journal = await env.DB.prepare("SELECT count(*) AS n FROM create_journal WHERE workspace_id = ?")
    .bind(ws.id)
    .first<{ n: number }>();
  expect(journal!.n, "no create left unanswered").toBe(0);
  return leads[0]!;
}

describe("exactly-once creates", () => {
  beforeEach(clearCalls);

  for (const field of [true, false]) {
    for (const as of ["drop", 500, 502] as const) {
      it(`${field ? "with" : "without"} Conversion_Id__c: a create whose answer is lost (${as}) after commit makes one record`, async () => {
        const ws = await orgWith(field);
        await setFaults({ loseAnswers: { times: 1, as } });
        const email = `lost-${as}-${field}@example.com`;
        const contact = await apiJson(ws, "POST", "/contacts", { email, lastName: "Lost", firstName: "Answer" });
        const lead = await expectCreatedOnce(ws, contact.id, email);
        const writes = (await fakeCalls()).filter((c) => c.kind === "collections");
        expect(writes.map((c) => c.op)).toEqual(field ? ["upsert", "upsert"] : ["create"]);
        if (field) expect(lead.Conversion_Id__c).toBe(contact.id);
        else {
          // The look-up: by the values written, created by the integration user since the attempt.
          const lookUp = (await fakeCalls()).find((c) => c.kind === "query" && /CreatedById = /.test(c.query ?? ""));
          expect(lookUp?.query).toContain(`Email IN ('${email}')`);
        }
      });
    }
  }

  it("without the field, an adopted record whose values changed since the attempt gets the entity's current state", async () => {
    const ws = await orgWith(false);
    const email = "changed-meanwhile@example.com";
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email, lastName: "Drift", title: "First" });
    const [created] = await outboxIdsOf(contact.id);
    // Made a few seconds ago: ready to go at its first delivery (no burst to wait for).
    await env.DB.prepare(
      "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE id = ?",
    )
      .bind(created!)
      .run();
    // The create goes out with the first title and its answer is lost: the delivery asks to be retried.
    await setFaults({ loseAnswers: { times: 1, as: 500 } });
    expect(await deliver(ws, [created!], 1)).toBe(1);
    // Meanwhile the title changes; the redelivery finds the record, adopts it, and the newer title follows.
    await apiWithoutSend(ws, "PATCH", `/contacts/${contact.id}`, { title: "Second" });
    expect(await deliver(ws, [created!], 2)).toBe(0);
    expect(await leadsByEmail(email)).toMatchObject([{ Title: "First" }]);
    await cronTick();
    const runs = await pushed(ws, 2);
    expect(runs.map((r) => r.counts)).toMatchObject([
      { created: 1, updated: 0 },
      { created: 0, updated: 1 },
    ]);
    const leads = await leadsByEmail(email);
    expect(leads).toHaveLength(1);
    expect(leads[0]!.Title).toBe("Second");
    expect((await apiJson(ws, "GET", `/contacts/${contact.id}`)).salesforceId).toBe(leads[0]!.Id);
  });

  it("an upsert that matches a record Conversion did not make is an update, not a create", async () => {
    const ws = await orgWith(true);
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email: "known@example.com", lastName: "Known" });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [
        { LastName: "Imported", Company: "Elsewhere", Email: "known@example.com", Conversion_Id__c: contact.id },
      ],
    });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run.counts).toMatchObject({ created: 0, updated: 1 });
    expect(await leadsByEmail("known@example.com")).toHaveLength(1);
  });

  it("two records carrying one Conversion id: DUPLICATE_EXTERNAL_ID is a Duplicate record, nothing is created", async () => {
    const ws = await orgWith(true);
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email: "twice@example.com", lastName: "Twice" });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [1, 2].map((i) => ({ LastName: `Twin${i}`, Company: "Twins", Conversion_Id__c: contact.id })),
    });
    await cronTick();
    const [run] = await pushed(ws, 1);
    expect(run).toMatchObject({ status: "completed", counts: { created: 0, failed: 1 } });
    const [record] = await recordsOf(ws, run.id);
    expect(record).toMatchObject({
      reason: { code: "duplicate_record", message: "Duplicate record" },
      salesforceError: { statusCode: "DUPLICATE_EXTERNAL_ID" },
    });
    expect(await leadsByEmail("twice@example.com")).toHaveLength(0);
  });
});

describe("a run's status is its own call's", () => {
  it("three calls, the second refused whole: only its run is Failed; records Salesforce rejected leave theirs Completed", async () => {
    const ws = await outboundSetup();
    const linked = await linkedContacts(
      ws,
      "Lead",
      Array.from({ length: 450 }, (_, i) => ({ email: `three${String(i).padStart(3, "0")}@example.com` })),
    );
    const change = env.DB.prepare("UPDATE contacts SET title = ? WHERE id = ?");
    // Written a few seconds ago, as rows the sweep resends are: the burst is over, nothing waits for more.
    const outbox = env.DB.prepare(
      "INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, created_at) VALUES (?, ?, 'contact', ?, 'upsert', '[\"title\"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds'))",
    );
    await env.DB.batch(
      linked.flatMap((l, i) => [
        change.bind(`Title ${i}`, l.contactId),
        outbox.bind(`obx_three_${String(i).padStart(3, "0")}`, ws.id, l.contactId),
      ]),
    );
    // The third call (records 400–449) has two records Salesforce rejects; the second call is refused whole.
    await setFaults({
      recordErrors: [420, 421].map((i) => ({
        id: linked[i]!.salesforceId,
        statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
      })),
      afterCalls: 1,
      then: { rejectWrites: { times: 1, object: "Lead" } },
    });
    await clearCalls();
    await cronTick();
    const runs = await pushed(ws, 3, { drained: false });
    const byStatus = runs.map((r) => [r.status, r.counts.updated, r.counts.failed]);
    expect(byStatus).toEqual([
      ["completed", 200, 0],
      ["failed", 0, 0],
      ["completed", 48, 2],
    ]);
    expect(runs[1].failure).toMatchObject({ code: "unknown_error", message: "Unknown error" });
    expect(runs[1].failure.detail).toContain("JSON_PARSER_ERROR");
    expect(await recordsOf(ws, runs[1].id)).toEqual([]);
    // The refused call's changes wait, pending, to go out again; the others are done.
    const pending = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(pending!.n).toBe(200);
    // Every written record carries the times Salesforce gave it.
    const [written] = await recordsOf(ws, runs[0].id);
    const lead = (await fake<{ records: any[] }>("GET", `/__fake/records/Lead?ids=${written.salesforceId}`)).records[0];
    expect(Date.parse(written.externalUpdatedAt)).toBe(Date.parse(lead.LastModifiedDate));
    expect(Date.parse(written.externalCreatedAt)).toBe(Date.parse(lead.CreatedDate));
    // One API call per 200 records, the times included.
    const calls = (await fakeCalls()).filter((c) => !c.via && c.kind !== "oauth_token");
    expect(calls.map((c) => c.kind)).toEqual(["composite", "composite", "composite"]);
  });
});

describe("what Salesforce's times cost", () => {
  /** API calls the org counted (its usage), and the calls by kind, while `push` runs. */
  async function cost(push: () => Promise<void>) {
    const usage = async () => (await fake<{ apiUsage: { used: number } }>("GET", "/__fake/stats")).apiUsage.used;
    await clearCalls();
    const before = await usage();
    await push();
    const calls = (await fakeCalls()).filter((c) => !c.via && !c.kind.startsWith("oauth"));
    return { used: (await usage()) - before, kinds: calls.map((c) => c.kind) };
  }

  /** 200 changes of one kind made a few seconds ago, pushed by one cron tick. */
  async function twoHundred(ws: Ws, make: (i: number) => Promise<string>) {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await make(i));
    await env.DB.prepare(
      "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .run();
    return ids;
  }

  for (const field of [true, false]) {
    it(`200 creates ${field ? "with" : "without"} Conversion_Id__c, then 200 updates: one API call each, times included`, async () => {
      const ws = await orgWith(field);
      const contacts = await twoHundred(ws, async (i) => {
        const c = await apiWithoutSend(ws, "POST", "/contacts", {
          email: `cost${i}@example.com`,
          lastName: `Cost${i}`,
        });
        return c.id as string;
      });
      const creates = await cost(async () => {
        await cronTick();
        await pushed(ws, 1);
      });
      // The first create of an object describes it (is Conversion_Id__c there?), cached for an hour.
      expect(creates).toEqual({ used: 2, kinds: ["describe", "composite"] });
      await twoHundred(ws, async (i) => {
        await apiWithoutSend(ws, "PATCH", `/contacts/${contacts[i]}`, { title: `Costed ${i}` });
        return contacts[i]!;
      });
      const updates = await cost(async () => {
        await cronTick();
        await pushed(ws, 2);
      });
      expect(updates).toEqual({ used: 1, kinds: ["composite"] });
      for (const run of await pushed(ws, 2)) {
        const records = await recordsOf(ws, run.id);
        expect(records.filter((r) => r.externalCreatedAt && r.externalUpdatedAt)).toHaveLength(records.length);
      }
      console.log(
        `cost per 200 (${field ? "with" : "without"} field): creates ${JSON.stringify(creates)}, updates ${JSON.stringify(updates)}`,
      );
    });
  }
});
