import { describe, expect, it } from "vitest";
import { call, jsonInit } from "./helpers";
import { apiJson, linkedContacts, outboundSetup, pushed, recordsOf, setFaults } from "./outbound.fixtures";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  onlyObjects,
  resetFake,
  runsOf,
  settle,
} from "./sync-helpers";

describe("Retry failed records", () => {
  it("inbound: a new run of kind retry reads the failed records again and applies them once fixed", async () => {
    await resetFake({
      counts: { Lead: 0, Contact: 0, Account: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const { ids } = await fake<{ ids: string[] }>("POST", "/__fake/records", {
      object: "Lead",
      records: [
        { LastName: "Fine", Company: "X", Email: "fine@example.com" },
        { LastName: "Typed", Company: "X", Email: "typed@example.com" },
        { LastName: "Nomail", Company: "X" },
      ],
    });
    await fake("POST", "/__fake/faults", { corruptRecords: [{ id: ids[1], set: { FirstName: 42 } }] });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await call("/api/v1/sync/inbound", jsonInit("POST", {}, ws.auth));
    await settle(ws.id);
    const [first] = await runsOf(ws.id);
    expect([first!.created, first!.skipped, first!.failed]).toEqual([1, 1, 1]);

    await fake("DELETE", "/__fake/faults");
    const res = await call(`/api/v1/sync/runs/${first!.id}/retry`, { method: "POST", headers: ws.auth });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; kind: string; status: string; direction: string } };
    expect(run).toMatchObject({ kind: "retry", direction: "inbound" });
    await settle(ws.id);
    const retried = (await runsOf(ws.id)).find((r) => r.id === run.id)!;
    expect(retried).toMatchObject({ status: "completed", created: 1, skipped: 0, failed: 0 });
    const records = (await (await call(`/api/v1/sync/runs/${run.id}/records`, { headers: ws.auth })).json()) as {
      records: { salesforceId: string; action: string }[];
    };
    expect(records.records).toEqual([expect.objectContaining({ salesforceId: ids[1], action: "created" })]);
    await expectCountsMatchRecords(ws.id);

    // The original was retried: a second retry is a 409 naming the retry run, and the run detail links both ways.
    const again = await call(`/api/v1/sync/runs/${first!.id}/retry`, { method: "POST", headers: ws.auth });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: unknown }).error).toMatchObject({
      code: "already_retried",
      details: { retryRunId: run.id },
    });
    expect(await (await call(`/api/v1/sync/runs/${first!.id}`, { headers: ws.auth })).json()).toMatchObject({
      retryOf: null,
      retriedBy: { id: run.id, status: "completed" },
    });
    expect(await (await call(`/api/v1/sync/runs/${run.id}`, { headers: ws.auth })).json()).toMatchObject({
      retryOf: first!.id,
      retriedBy: null,
    });
    expect((await runsOf(ws.id)).filter((r) => r.kind === "retry")).toHaveLength(1);

    // Nothing failed in the retry: nothing left to retry, and an unknown run is a 404.
    expect((await call(`/api/v1/sync/runs/${run.id}/retry`, { method: "POST", headers: ws.auth })).status).toBe(409);
    expect((await call(`/api/v1/sync/runs/run_nope/retry`, { method: "POST", headers: ws.auth })).status).toBe(404);
  });

  it("outbound: the failed pushes go out again under a retry run", async () => {
    const ws = await outboundSetup();
    const [linked] = await linkedContacts(ws, "Contact", [{ email: "locked@example.com" }]);
    await setFaults({
      recordErrors: [
        {
          id: linked!.salesforceId,
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Title must be set",
          times: 1,
        },
      ],
    });
    await apiJson(ws, "PATCH", `/contacts/${linked!.contactId}`, { title: "Head of Growth" });
    const [push] = await pushed(ws, 1);
    expect(push.counts.failed).toBe(1);
    expect((await recordsOf(ws, push.id))[0].reason.code).toBe("validation_rule_failure");

    const res = await call(`/api/v1/sync/runs/${push.id}/retry`, { method: "POST", headers: ws.auth });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; kind: string } };
    expect(run.kind).toBe("retry");
    const after = await pushed(ws, 2);
    const retry = after.find((r: { id: string }) => r.id === run.id);
    expect(retry).toMatchObject({ kind: "retry", status: "completed", counts: { updated: 1, failed: 0 } });
    const { records } = await fake<{ records: { Title: string }[] }>(
      "GET",
      `/__fake/records/Contact?ids=${linked!.salesforceId}`,
    );
    expect(records[0]!.Title).toBe("Head of Growth");
    const again = await call(`/api/v1/sync/runs/${push.id}/retry`, { method: "POST", headers: ws.auth });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("already_retried");
  });
});
