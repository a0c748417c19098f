import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { connectionSchema } from "../../worker/api/connection/connection.routes";
import { budgetStatus, openSalesforce } from "../../worker/salesforce";
import { connectWorkspace, fakeCalls, resetFake, setFaults } from "./connect";
import { bodyOf, call, firstShard, jsonInit, newWorkspace } from "./helpers";

const fake = inject("fakeOrgUrl");

async function connected() {
  const ws = await newWorkspace();
  await connectWorkspace(ws, fake);
  return ws;
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const lead = (i: number) => ({ LastName: `Writer ${i}`, Company: "Chunk Co", Email: `chunk${i}@example.com` });

describe("Salesforce client: collections", () => {
  beforeEach(resetFake);

  it("writes 450 records in three calls of at most 200, results in input order", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    const from = (await fakeCalls()).length;
    const created = await sf.createRecords(
      "Lead",
      Array.from({ length: 450 }, (_, i) => lead(i)),
    );
    expect(created.length).toBe(450);
    expect(created.every((r) => r.success && r.id?.startsWith("00Q"))).toBe(true);
    const writes = (await fakeCalls()).slice(from);
    expect(writes.map((c) => [c.method, c.records])).toEqual([
      ["POST", 200],
      ["POST", 200],
      ["POST", 50],
    ]);

    const ids = created.map((r) => r.id!);
    const updated = await sf.updateRecords(
      "Lead",
      ids.map((Id, i) => ({ Id, Title: `Title ${i}` })),
    );
    expect(updated.map((r) => r.id)).toEqual(ids);
    expect(updated.every((r) => r.success)).toBe(true);
    const [page] = await collect(sf.queryPages(`SELECT Id, Title FROM Lead WHERE Id = '${ids[449]}'`));
    expect(page!.records[0]!.Title).toBe("Title 449");

    const deleted = await sf.deleteRecords(ids);
    expect(deleted.map((r) => r.id)).toEqual(ids);
    const deletes = (await fakeCalls()).filter((c) => c.method === "DELETE");
    expect(deletes.length).toBe(3);
    expect(sf.calls).toBe(10);
  });

  it("one record's failure leaves its neighbours written", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({
      recordErrors: [
        {
          email: "chunk1@example.com",
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Nope",
          fields: ["Email"],
        },
      ],
    });
    const results = await sf.createRecords("Lead", [lead(0), lead(1), { Company: "No Name Inc" }]);
    expect(results[0]!.success).toBe(true);
    expect(results[1]).toEqual({
      id: null,
      success: false,
      errors: [{ statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: "Nope", fields: ["Email"] }],
    });
    expect(results[2]!.success).toBe(false);
    expect(results[2]!.errors[0]!.statusCode).toBe("REQUIRED_FIELD_MISSING");
  });
});

describe("API usage", () => {
  beforeEach(resetFake);

  it("Sforce-Limit-Info and the call count land in D1 on flush, and in GET /connection", async () => {
    const ws = await connected();
    const before = await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema);
    expect(before.apiUsage).toBeNull();
    const sf = await openSalesforce(firstShard, ws.id);
    await collect(sf.queryPages("SELECT Id FROM Account", { batchSize: 200 }));
    await sf.flushUsage();
    await sf.flushUsage();
    const conn = await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema);
    const usage = conn.apiUsage!;
    expect(usage.limit).toBe(100_000);
    expect(usage.used).toBeGreaterThan(0);
    expect(Date.parse(usage.asOf ?? "")).not.toBeNaN();
    const day = new Date().toISOString().slice(0, 10);
    const row = (await env.DB.prepare("SELECT calls FROM api_calls WHERE workspace_id = ? AND day = ?")
      .bind(ws.id, day)
      .first<{ calls: number }>())!;
    expect(row.calls).toBe(sf.calls);
    const again = await openSalesforce(firstShard, ws.id);
    await again.limits();
    await again.flushUsage();
    const total = (await env.DB.prepare("SELECT calls FROM api_calls WHERE workspace_id = ? AND day = ?")
      .bind(ws.id, day)
      .first<{ calls: number }>())!;
    expect(total.calls).toBe(sf.calls + 1);
  });

  it("limits() reads DailyApiRequests", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    const usage = await sf.limits();
    expect(usage.limit).toBe(100_000);
    expect(usage.used).toBeGreaterThan(0);
  });

  it("the budget pauses syncing at the workspace's daily budget and near the org's limit", async () => {
    const ws = await connected();
    expect((await call("/api/v1/settings", jsonInit("PATCH", { apiDailyBudget: 3 }, ws.auth))).status).toBe(200);
    const sf = await openSalesforce(firstShard, ws.id);
    await sf.limits();
    await sf.limits();
    await sf.flushUsage();
    const under = await budgetStatus(firstShard, ws.id, 3);
    expect(under).toMatchObject({ paused: false, reason: null, usedToday: 2, budget: 3, orgLimit: 100_000 });
    await sf.limits();
    await sf.flushUsage();
    const spent = await budgetStatus(firstShard, ws.id, 3);
    expect(spent.paused).toBe(true);
    expect(spent.reason).toContain("3");
    expect((await budgetStatus(firstShard, ws.id, null)).paused).toBe(false);

    await env.DB.prepare("UPDATE connections SET api_used = 98500, api_limit = 100000 WHERE workspace_id = ?")
      .bind(ws.id)
      .run();
    const nearOrgLimit = await budgetStatus(firstShard, ws.id, null);
    expect(nearOrgLimit).toMatchObject({ paused: true, orgUsed: 98500, orgLimit: 100000 });
    expect(nearOrgLimit.reason).toContain("98500");
    await env.DB.prepare("UPDATE connections SET api_used = 97000 WHERE workspace_id = ?").bind(ws.id).run();
    expect((await budgetStatus(firstShard, ws.id, null)).paused).toBe(false);
  });
});
