import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgWith } from "./exactly-once.fixtures";
import {
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
import { fake } from "./sync-helpers";

// "Failed" means the batch could not be processed as a whole: each outbound run's status is decided
// by its own Salesforce call. And what Salesforce's times on the records cost in API calls.

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
    const rejected = (await recordsOf(ws, runs[2].id)).filter((r) => r.status === "failed");
    expect(rejected.map((r) => r.reason.code)).toEqual(["validation_rule_failure", "validation_rule_failure"]);
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
  /**
   * 200 changes in one bulk write (made a few seconds ago), pushed by a cron tick: the API calls the
   * org counted (its usage) and the calls by kind, from before the write (which calls nothing) until
   * `runs` outbound runs are done. The window opens before the write, not at the tick: a delivery of
   * the previous push still on its way when these changes land pushes them (a delivery takes its group's
   * every ready change) before a window opened at the tick (seen while the sweep sent one message a change).
   */
  async function cost(ws: Ws, items: Record<string, unknown>[], runs: number) {
    const usage = async () => (await fake<{ apiUsage: { used: number } }>("GET", "/__fake/stats")).apiUsage.used;
    // The cron tick below sweeps every workspace: changes an earlier test left pending (a message it
    // recorded instead of sending) would be pushed in this window and counted as this test's calls.
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE outbox SET processed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE processed_at IS NULL AND workspace_id <> ?",
      ).bind(ws.id),
      env.DB.prepare("DELETE FROM outbound_wakes WHERE workspace_id <> ?").bind(ws.id),
    ]);
    await clearCalls();
    const before = await usage();
    const written = await apiWithoutSend<{ items: { id: string }[] }>(ws, "POST", "/contacts:batch", { items });
    await env.DB.prepare(
      "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .run();
    await cronTick();
    await pushed(ws, runs);
    const calls = (await fakeCalls()).filter((c) => !c.via && !c.kind.startsWith("oauth"));
    return {
      ids: written.items.map((c) => c.id),
      cost: { used: (await usage()) - before, kinds: calls.map((c) => c.kind) },
    };
  }

  for (const field of [true, false]) {
    it(`200 creates ${field ? "with" : "without"} Conversion_Id__c, then 200 updates: one API call each, times included`, async () => {
      const ws = await orgWith(field);
      const { ids: contacts, cost: creates } = await cost(
        ws,
        Array.from({ length: 200 }, (_, i) => ({ email: `cost${i}@example.com`, lastName: `Cost${i}` })),
        1,
      );
      // The first create of an object describes it (is Conversion_Id__c there?), cached for an hour.
      expect(creates).toEqual({ used: 2, kinds: ["describe", "composite"] });
      const { cost: updates } = await cost(
        ws,
        contacts.map((id, i) => ({ id, title: `Costed ${i}` })),
        2,
      );
      expect(updates).toEqual({ used: 1, kinds: ["composite"] });
      for (const run of await pushed(ws, 2)) {
        const records = await recordsOf(ws, run.id);
        expect(records).toHaveLength(200);
        expect(records.filter((r) => r.externalCreatedAt && r.externalUpdatedAt)).toHaveLength(200);
      }
      console.log(
        `cost per 200 (${field ? "with" : "without"} field): creates ${JSON.stringify(creates)}, updates ${JSON.stringify(updates)}`,
      );
    });
  }
});
