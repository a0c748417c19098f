import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyOf, call, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import { eventListSchema, opportunityListSchema } from "../catalog/catalog.schemas";
import { errorSchema } from "../common";
import { contactSchema } from "../contacts/contacts.schemas";
import { companyListSchema, companySchema } from "./companies.schemas";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function created(ws: Ws, body: Record<string, unknown>) {
  const res = await call("/api/v1/companies", jsonInit("POST", body, ws.auth));
  expect(res.status, await res.clone().text()).toBe(201);
  return bodyOf(res, companySchema);
}

describe("companies API", () => {
  it("creates, reads, patches and deletes, each write with its outbox row", async () => {
    const ws = await newWorkspace();
    const co = await created(ws, { name: " Acme ", domain: "https://www.Acme.com/about", industry: "Technology" });
    expect(co).toMatchObject({ name: "Acme", domain: "acme.com", industry: "Technology", salesforceId: null });
    const patched = await call(
      `/api/v1/companies/${co.id}`,
      jsonInit("PATCH", { industry: null, name: "Acme Inc" }, ws.auth),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: "Acme Inc", industry: null, domain: "acme.com" });
    expect((await call(`/api/v1/companies/${co.id}`, { method: "DELETE", headers: ws.auth })).status).toBe(204);
    const { results } = await env.DB.prepare(
      "SELECT operation, changed_fields FROM outbox WHERE entity_id = ? ORDER BY created_at, id",
    )
      .bind(co.id)
      .all<{ operation: string; changed_fields: string }>();
    expect(results.map((r) => [r.operation, JSON.parse(r.changed_fields)])).toEqual([
      ["upsert", ["name", "domain", "industry"]],
      ["upsert", ["name", "industry"]],
      ["delete", []],
    ]);
  });

  it("deleting a company unlinks its contacts instead of leaving them pointing at nothing", async () => {
    const ws = await newWorkspace();
    const co = await created(ws, { name: "Gone Ltd" });
    const ct = await bodyOf(
      await call("/api/v1/contacts", jsonInit("POST", { email: "g@example.com", companyId: co.id }, ws.auth)),
      contactSchema,
    );
    await call(`/api/v1/companies/${co.id}`, { method: "DELETE", headers: ws.auth });
    const after = await bodyOf(await call(`/api/v1/contacts/${ct.id}`, { headers: ws.auth }), contactSchema);
    expect(after.companyId).toBeNull();
  });

  it.each([
    [{}, "name"],
    [{ name: "   " }, "name"],
    [{ name: "A", domain: 5 }, "domain"],
    [{ name: "A", salesforceId: "001000000000001AAA" }, "salesforceId"],
  ])("POST %j is a 400 naming %s", async (body, field) => {
    const res = await call("/api/v1/companies", jsonInit("POST", body, (await newWorkspace()).auth));
    expect(res.status).toBe(400);
    expect((await bodyOf(res, errorSchema)).error.message).toContain(field);
  });

  it("PATCH cannot blank the name; another workspace's company is a 404", async () => {
    const ws = await newWorkspace();
    const co = await created(ws, { name: "Keep" });
    expect((await call(`/api/v1/companies/${co.id}`, jsonInit("PATCH", { name: "" }, ws.auth))).status).toBe(400);
    expect((await call(`/api/v1/companies/${co.id}`, jsonInit("PATCH", { name: null }, ws.auth))).status).toBe(400);
    const other = await newWorkspace();
    expect((await call(`/api/v1/companies/${co.id}`, { headers: other.auth })).status).toBe(404);
    expect((await call(`/api/v1/companies/${co.id}`, { method: "DELETE", headers: other.auth })).status).toBe(404);
  });

  it("lists newest first, pages, and filters by Salesforce ID", async () => {
    const ws = await newWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await created(ws, { name: `C${i}` })).id);
    const first = await bodyOf(await call("/api/v1/companies?limit=2", { headers: ws.auth }), companyListSchema);
    expect(first.companies.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await bodyOf(
      await call(`/api/v1/companies?limit=2&cursor=${first.nextCursor}`, { headers: ws.auth }),
      companyListSchema,
    );
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.companies.map((c) => c.id)).toEqual([ids[0]]);
    await env.DB.prepare("UPDATE companies SET salesforce_id = '001000000000042AAA' WHERE id = ?").bind(ids[0]).run();
    const bySf = await bodyOf(
      await call("/api/v1/companies?salesforceId=001000000000042AAA", { headers: ws.auth }),
      companyListSchema,
    );
    expect(bySf.companies.map((c) => c.id)).toEqual([ids[0]]);
  });

  it("opportunities and events list what inbound brought in, newest first, paged", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const stmt = (id: string, wsId: string, at: string) =>
      env.DB.prepare(
        "INSERT INTO opportunities (id, workspace_id, name, amount, created_at) VALUES (?, ?, ?, 10.5, ?)",
      ).bind(id, wsId, `Deal ${id}`, at);
    const ev = (id: string, at: string) =>
      env.DB.prepare(
        "INSERT INTO events (id, workspace_id, name, contact_id, properties, created_at) VALUES (?, ?, 'Signed up', 'ct_x', '{\"plan\":\"pro\"}', ?)",
      ).bind(id, ws.id, at);
    await env.DB.batch([
      stmt("op_1", ws.id, "2026-01-01T00:00:00.000Z"),
      stmt("op_2", ws.id, "2026-01-02T00:00:00.000Z"),
      stmt("op_3", other.id, "2026-01-03T00:00:00.000Z"),
      ev("ev_1", "2026-01-01T00:00:00.000Z"),
    ]);
    const opps = await bodyOf(await call("/api/v1/opportunities?limit=1", { headers: ws.auth }), opportunityListSchema);
    expect(opps.opportunities).toEqual([expect.objectContaining({ id: "op_2", name: "Deal op_2", amount: 10.5 })]);
    const rest = await call(`/api/v1/opportunities?cursor=${opps.nextCursor}`, { headers: ws.auth });
    expect(await rest.json()).toEqual({ opportunities: [expect.objectContaining({ id: "op_1" })], nextCursor: null });
    const events = await bodyOf(await call("/api/v1/events", { headers: ws.auth }), eventListSchema);
    expect(events.events).toEqual([
      expect.objectContaining({ id: "ev_1", properties: { plan: "pro" }, contactId: "ct_x" }),
    ]);
    expect((await call("/api/v1/events?cursor=nope", { headers: ws.auth })).status).toBe(400);
  });
});
