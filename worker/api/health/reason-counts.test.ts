import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, jsonInit } from "../../../test/workers/helpers";
import {
  apiJson,
  apiWithoutSend,
  cronTick,
  linkedContacts,
  outboundSetup,
  pushed,
  setFaults,
} from "../../../test/workers/outbound.fixtures";
import { connectedWorkspace, fake, onlyObjects, resetFake, runsOf, settle } from "../../../test/workers/sync-helpers";

// The reason counts the health card sums are stored by every close, inbound, outbound and retry
// alike, with the exact numbers of the run's records.

type Counted = [status: string, code: string, count: number];

const sorted = (rows: Counted[]) => [...rows].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));

async function storedReasons(runId: string): Promise<Counted[] | null> {
  const row = await env.DB.prepare("SELECT reason_counts AS v FROM runs WHERE id = ?")
    .bind(runId)
    .first<{ v: string | null }>();
  return row?.v == null ? null : sorted(JSON.parse(row.v) as Counted[]);
}

/** Every closed run of the workspace stores exactly what its records say (counted here independently). */
async function expectStoredReasonsMatchRecords(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT id, status FROM runs WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ id: string; status: string }>();
  for (const run of results) {
    const stored = await storedReasons(run.id);
    if (run.status === "in_progress") {
      expect(stored, run.id).toBeNull();
      continue;
    }
    const { results: live } = await env.DB.prepare(
      `SELECT status, reason_code AS code, count(*) AS n FROM run_records
       WHERE run_id = ? AND status != 'success' AND reason_code IS NOT NULL GROUP BY status, reason_code`,
    )
      .bind(run.id)
      .all<{ status: string; code: string; n: number }>();
    expect({ run: run.id, stored }).toEqual({ run: run.id, stored: sorted(live.map((r) => [r.status, r.code, r.n])) });
  }
  return results.length;
}

async function topReasons(ws: { auth: Record<string, string> }) {
  const res = await call("/api/v1/sync/health", { headers: ws.auth });
  expect(res.status).toBe(200);
  return (
    (await res.json()) as { topReasons: { direction: string; status: string; code: string; count: number }[] }
  ).topReasons.map((r) => [r.direction, r.status, r.code, r.count]);
}

async function retry(ws: { auth: Record<string, string> }, runId: string) {
  const res = await call(`/api/v1/sync/runs/${runId}/retry`, { method: "POST", headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { run: { id: string; kind: string } }).run;
}

describe("reason counts stored when a run closes", () => {
  it("inbound, and its retry", async () => {
    await resetFake({
      counts: { Lead: 0, Contact: 0, Account: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const { ids } = await fake<{ ids: string[] }>("POST", "/__fake/records", {
      object: "Lead",
      records: [
        { LastName: "Fine", Company: "X", Email: "fine@example.com" },
        { LastName: "Nomail", Company: "X" },
        { LastName: "Nomail too", Company: "X" },
        { LastName: "Typed", Company: "X", Email: "typed@example.com" },
        { LastName: "Typed too", Company: "X", Email: "typed2@example.com" },
      ],
    });
    await fake("POST", "/__fake/faults", {
      corruptRecords: [
        { id: ids[3], set: { FirstName: 42 } },
        { id: ids[4], set: { FirstName: 43 } },
      ],
    });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await call("/api/v1/sync/inbound", jsonInit("POST", {}, ws.auth));
    await settle(ws.id);
    const [first] = await runsOf(ws.id);
    expect(first).toMatchObject({ status: "completed", created: 1, skipped: 2, failed: 2 });
    expect(await storedReasons(first!.id)).toEqual([
      ["failed", "malformed_data", 2],
      ["skipped", "missing_email", 2],
    ]);

    // The records are still malformed when retried: the retry run stores its own failures.
    const run = await retry(ws, first!.id);
    expect(run.kind).toBe("retry");
    await settle(ws.id);
    expect((await runsOf(ws.id)).find((r) => r.id === run.id)).toMatchObject({
      kind: "retry",
      status: "completed",
      failed: 2,
    });
    expect(await storedReasons(run.id)).toEqual([["failed", "malformed_data", 2]]);

    expect(await expectStoredReasonsMatchRecords(ws.id)).toBe(2);
    expect(await topReasons(ws)).toEqual([
      ["inbound", "failed", "malformed_data", 4],
      ["inbound", "skipped", "missing_email", 2],
    ]);
  });

  it("outbound push, and its retry", async () => {
    const ws = await outboundSetup();
    const people = [1, 2, 3, 4].map((i) => ({ email: `push${i}@example.com` }));
    const linked = await linkedContacts(ws, "Contact", people);
    await setFaults({
      recordErrors: [
        {
          id: linked[0]!.salesforceId,
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Title must be set",
          times: 1,
        },
        {
          id: linked[1]!.salesforceId,
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Title must be set",
          times: 1,
        },
        { id: linked[2]!.salesforceId, statusCode: "DUPLICATES_DETECTED", message: "Looks like a duplicate" },
      ],
    });
    for (const l of linked) await apiWithoutSend(ws, "PATCH", `/contacts/${l.contactId}`, { title: "VP" });
    await cronTick();
    const [push] = await pushed(ws, 1);
    expect(push.counts).toMatchObject({ updated: 1, failed: 3 });
    expect(await storedReasons(push.id)).toEqual([
      ["failed", "duplicate_record", 1],
      ["failed", "validation_rule_failure", 2],
    ]);

    // The validation failures were one-offs; the duplicate is still one on the retry.
    const run = await retry(ws, push.id);
    const after = await pushed(ws, 2);
    expect(after.find((r: { id: string }) => r.id === run.id)).toMatchObject({
      kind: "retry",
      status: "completed",
      counts: { updated: 2, failed: 1 },
    });
    expect(await storedReasons(run.id)).toEqual([["failed", "duplicate_record", 1]]);

    expect(await expectStoredReasonsMatchRecords(ws.id)).toBe(2);
    expect(await topReasons(ws)).toEqual([
      ["outbound", "failed", "duplicate_record", 2],
      ["outbound", "failed", "validation_rule_failure", 2],
    ]);
    expect((await apiJson(ws, "GET", `/sync/runs/${run.id}`)).kind).toBe("retry");
  });
});
