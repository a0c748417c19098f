import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/api";
import { countingD1 } from "./counting-d1";
import { jsonInit, newWorkspace } from "./helpers";

// What one single write through the API costs at D1: a write is one round trip (the entity, its outbox
// row, its outbound wake and every check in one batch), its key already looked up by an earlier request of the burst.
// Under a burst every round trip queues at the one database, so each one a write saves is throughput.

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

/** One request through the real app, with D1 counted; answers the status, the body and what reached D1. */
async function counted(ws: Ws, method: string, path: string, body?: unknown) {
  const { db, counter } = countingD1(env.DB);
  const res = await createApp().fetch(
    new Request(new URL(`/api/v1${path}`, "http://localhost"), jsonInit(method, body ?? "", ws.auth)),
    { ...env, DB: db } as Env,
    createExecutionContext(),
  );
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : null,
    calls: counter.calls,
    statements: counter.statements,
  };
}

async function outboxRows(entityId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE entity_id = ?")
    .bind(entityId)
    .first<{ n: number }>();
  return row!.n;
}

describe("a single API write costs one D1 round trip", () => {
  it("POST, PATCH and DELETE of a contact and a company: one batch each, every check inside it", async () => {
    const ws = await newWorkspace("Write cost");
    // The key's lookup: once per isolate and key, not per write.
    const company = await counted(ws, "POST", "/companies", { name: "Acme" });
    expect(company.status).toBe(201);
    const other = await counted(ws, "POST", "/companies", { name: "Other" });
    expect(other).toMatchObject({ status: 201, calls: 1, statements: 3 });

    const post = await counted(ws, "POST", "/contacts", { email: "ada@example.com", companyId: company.body.id });
    expect(post).toMatchObject({ status: 201, calls: 1 });
    expect(post.statements).toBeLessThanOrEqual(3);
    const id = post.body.id as string;

    expect(await counted(ws, "PATCH", `/contacts/${id}`, { title: "CTO" })).toMatchObject({
      status: 200,
      calls: 1,
      statements: 3,
    });
    const moved = await counted(ws, "PATCH", `/contacts/${id}`, { title: "CEO", companyId: other.body.id });
    expect(moved).toMatchObject({ status: 200, calls: 1, statements: 3 });
    expect(moved.body).toMatchObject({ title: "CEO", companyId: other.body.id });
    expect(await counted(ws, "PATCH", `/companies/${company.body.id}`, { domain: "acme.test" })).toMatchObject({
      status: 200,
      calls: 1,
    });

    const gone = await counted(ws, "DELETE", `/contacts/${id}`);
    expect(gone).toMatchObject({ status: 204, calls: 1 });
    expect(await outboxRows(id)).toBe(4);
    const companyGone = await counted(ws, "DELETE", `/companies/${other.body.id}`);
    expect(companyGone).toMatchObject({ status: 204, calls: 1 });
    expect(await outboxRows(other.body.id)).toBe(2);
  });

  it("the checks folded into the batch still answer as before: 404 before 400, 400 naming companyId, nothing written", async () => {
    const ws = await newWorkspace("Write checks");
    const elsewhere = await newWorkspace("Elsewhere");
    const foreign = (await counted(elsewhere, "POST", "/companies", { name: "Not yours" })).body.id as string;
    const before = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();

    const refused = await counted(ws, "POST", "/contacts", { email: "bob@example.com", companyId: foreign });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("companyId");
    const none = await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND email = 'bob@example.com'",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(none!.n).toBe(0);

    const id = (await counted(ws, "POST", "/contacts", { email: "bob@example.com" })).body.id as string;
    const badMove = await counted(ws, "PATCH", `/contacts/${id}`, { title: "X", companyId: foreign });
    expect(badMove.status).toBe(400);
    expect(JSON.stringify(badMove.body)).toContain("companyId");
    const stored = await env.DB.prepare("SELECT title, company_id FROM contacts WHERE id = ?").bind(id).first();
    expect(stored).toEqual({ title: null, company_id: null });

    expect((await counted(ws, "PATCH", "/contacts/ct_unknown", { companyId: foreign })).status).toBe(404);
    expect((await counted(ws, "DELETE", "/contacts/ct_unknown")).status).toBe(404);
    expect((await counted(ws, "DELETE", `/companies/${foreign}`)).status).toBe(404);
    expect((await counted(elsewhere, "DELETE", `/contacts/${id}`)).status).toBe(404);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    // Only bob's create wrote an outbox row: refusals and unknown ids wrote none.
    expect(after!.n - before!.n).toBe(1);
  });
});
