import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  fakeCalls,
  pushed,
  recordsOf,
  setFaults,
  type Ws,
} from "./outbound.fixtures";
import { connectedWorkspace, fake, onlyObjects } from "./sync-helpers";

// Shared steps of the exactly-once tests: an org with or without Conversion_Id__c, one delivery of
// chosen outbox rows through the Worker's queue handler, and the one-record check.

export const leadsByEmail = async (email: string) =>
  (await fake<{ records: Record<string, any>[] }>("GET", `/__fake/records/Lead?email=${encodeURIComponent(email)}`))
    .records;

/** Hands these outbox rows to the Worker's queue handler as one batch; returns how many it asked to retry. */
export async function deliver(ws: Ws, outboxIds: string[], attempts: number) {
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

/** The entity's outbox rows, oldest first, made a few seconds ago: ready at their first delivery (no burst to wait for). */
export async function readyOutbox(entityId: string): Promise<string[]> {
  await env.DB.prepare(
    "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE entity_id = ?",
  )
    .bind(entityId)
    .run();
  return (
    await env.DB.prepare("SELECT id FROM outbox WHERE entity_id = ? ORDER BY created_at, id")
      .bind(entityId)
      .all<{ id: string }>()
  ).results.map((r) => r.id);
}

/** A small org, with or without Conversion_Id__c, and a workspace connected to it. */
export async function orgWith(conversionIdField: boolean): Promise<Ws> {
  await fake("POST", "/__fake/reset", {
    seed: 7,
    defects: false,
    counts: { Account: 5, Contact: 5, Lead: 5, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    conversionIdField,
  });
  return connectedWorkspace(onlyObjects());
}

/**
 * D1 refuses every batch that settles a create (the batch that records Salesforce's answer), as a
 * D1 outage right after the call would; `restore` lifts it. A trigger, so nothing of ours is replaced.
 */
export async function d1FailsAfterTheCall() {
  await env.DB.prepare(
    "CREATE TRIGGER d1_fails_after_call BEFORE DELETE ON create_journal BEGIN SELECT RAISE(ABORT, 'D1_ERROR: storage unavailable'); END",
  ).run();
  return { restore: () => env.DB.prepare("DROP TRIGGER d1_fails_after_call").run() };
}

/** The one record in the org, the contact linked to it, the run's counts equal to its records, with Salesforce's times. */
export async function expectCreatedOnce(ws: Ws, contactId: string, email: string) {
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

/**
 * The lost-answer cases for an org with or without the field: the answer lost after Salesforce
 * committed the create (the connection dropped, a 500 or 502), or D1 failing after the call.
 * Each ends with exactly one record in the org, linked, and a run whose counts equal its records.
 */
export function lostAnswerTests(field: boolean) {
  describe(`a lost answer ${field ? "with" : "without"} Conversion_Id__c`, () => answers(field));
}

function answers(field: boolean) {
  const lookUpOrResend = async (email: string, contactId: string) => {
    const lead = await expectCreatedOnce(ws!, contactId, email);
    const calls = await fakeCalls();
    if (field) expect(lead.Conversion_Id__c).toBe(contactId);
    else {
      // The look-up: by the values written, created by the integration user since the attempt.
      const lookUp = calls.find((c) => c.kind === "query" && /CreatedById = /.test(c.query ?? ""));
      expect(lookUp?.query).toContain(`Email IN ('${email}')`);
    }
    return calls.filter((c) => c.kind === "collections").map((c) => c.op);
  };
  let ws: Ws | undefined;
  beforeEach(async () => {
    ws = await orgWith(field);
    await clearCalls();
  });

  for (const as of ["drop", 500, 502] as const) {
    it(`a create whose answer is lost (${as}) after commit makes one record`, async () => {
      await setFaults({ loseAnswers: { times: 1, as } });
      const email = `lost-${as}-${field}@example.com`;
      const contact = await apiJson(ws!, "POST", "/contacts", { email, lastName: "Lost", firstName: "Answer" });
      // With the field the upsert is sent again within the call; without, the next delivery looks first.
      expect(await lookUpOrResend(email, contact.id)).toEqual(field ? ["upsert", "upsert"] : ["create"]);
    });
  }

  it("a create Salesforce answered but D1 failed to record makes one record when delivered again", async () => {
    const email = `d1-after-call-${field}@example.com`;
    const contact = await apiWithoutSend(ws!, "POST", "/contacts", { email, lastName: "Unrecorded" });
    const [created] = await readyOutbox(contact.id);
    const d1 = await d1FailsAfterTheCall();
    expect(await deliver(ws!, [created!], 1), "the delivery asks to be retried").toBe(1);
    await d1.restore();
    expect(await leadsByEmail(email), "Salesforce made the record").toHaveLength(1);
    expect((await apiJson(ws!, "GET", `/contacts/${contact.id}`)).salesforceId, "not linked yet").toBeNull();
    expect(await deliver(ws!, [created!], 2)).toBe(0);
    expect(await lookUpOrResend(email, contact.id)).toEqual(field ? ["upsert", "upsert"] : ["create"]);
  });
}
