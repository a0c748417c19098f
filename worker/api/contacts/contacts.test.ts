import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyOf, call, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import { toSalesforceId18 } from "../../salesforce";
import { errorSchema } from "../common";
import { companySchema } from "../companies/companies.schemas";
import { contactListSchema } from "./contacts.schemas";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function post(ws: Ws, body: unknown) {
  return call("/api/v1/contacts", jsonInit("POST", body, ws.auth));
}

async function created(ws: Ws, body: Record<string, unknown>) {
  const res = await post(ws, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Record<string, any>;
}

function outboxOf(entityId: string) {
  return env.DB.prepare("SELECT * FROM outbox WHERE entity_id = ? ORDER BY created_at, id")
    .bind(entityId)
    .all<Record<string, any>>();
}

describe("contacts API", () => {
  it("creates a contact with its outbox row, normalised as inbound sync stores it", async () => {
    const ws = await newWorkspace();
    const c = await created(ws, { email: "  Ada@Example.COM ", firstName: " Ada ", lastName: "Lovelace", title: "" });
    expect(c).toMatchObject({
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
      title: null,
      salesforceId: null,
      companyId: null,
    });
    expect(c.id).toMatch(/^ct_/);
    const { results } = await outboxOf(c.id);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      workspace_id: ws.id,
      entity_type: "contact",
      operation: "upsert",
      processed_at: null,
    });
    expect(JSON.parse(results[0]!.changed_fields)).toEqual(["email", "firstName", "lastName"]);
    const got = await call(`/api/v1/contacts/${c.id}`, { headers: ws.auth });
    expect(await got.json()).toEqual(c);
  });

  it("PATCH records only the fields that changed; an unchanged PATCH writes nothing", async () => {
    const ws = await newWorkspace();
    const c = await created(ws, { email: "grace@example.com", firstName: "Grace" });
    const res = await call(
      `/api/v1/contacts/${c.id}`,
      jsonInit("PATCH", { firstName: "Grace", title: "Admiral", phone: null }, ws.auth),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ firstName: "Grace", title: "Admiral", phone: null });
    const same = await call(`/api/v1/contacts/${c.id}`, jsonInit("PATCH", { title: "Admiral" }, ws.auth));
    expect(same.status).toBe(200);
    const { results } = await outboxOf(c.id);
    expect(results.map((r) => JSON.parse(r.changed_fields))).toEqual([["email", "firstName"], ["title"]]);
  });

  it("DELETE removes the contact and leaves a delete in the outbox", async () => {
    const ws = await newWorkspace();
    const c = await created(ws, { email: "del@example.com" });
    expect((await call(`/api/v1/contacts/${c.id}`, { method: "DELETE", headers: ws.auth })).status).toBe(204);
    expect((await call(`/api/v1/contacts/${c.id}`, { headers: ws.auth })).status).toBe(404);
    const { results } = await outboxOf(c.id);
    expect(results.map((r) => r.operation)).toEqual(["upsert", "delete"]);
  });

  it("email is unique per workspace: 409 on create and on PATCH, fine in another workspace", async () => {
    const ws = await newWorkspace();
    await created(ws, { email: "dup@example.com" });
    const again = await post(ws, { email: "DUP@example.com" });
    expect(again.status).toBe(409);
    expect((await bodyOf(again, errorSchema)).error.code).toBe("conflict");
    const other = await created(ws, { email: "other@example.com" });
    const clash = await call(`/api/v1/contacts/${other.id}`, jsonInit("PATCH", { email: "dup@example.com" }, ws.auth));
    expect(clash.status).toBe(409);
    await created(await newWorkspace(), { email: "dup@example.com" });
  });

  it.each([
    [{}, "email"],
    [{ email: "not-an-email" }, "email"],
    [{ email: "a@example.com", firstName: 7 }, "firstName"],
    [{ email: "a@example.com", salesforceId: "00Q000000000001AAA" }, "salesforceId"],
    [{ email: "a@example.com", shoeSize: 44 }, "shoeSize"],
    [{ email: "a@example.com", companyId: "co_nope" }, "companyId"],
  ])("POST %j is a 400 naming %s", async (body, field) => {
    const ws = await newWorkspace();
    const res = await post(ws, body);
    expect(res.status).toBe(400);
    const err = await bodyOf(res, errorSchema);
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.message).toContain(field);
  });

  it("companyId must be this workspace's company", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const theirs = await bodyOf(
      await call("/api/v1/companies", jsonInit("POST", { name: "Theirs" }, other.auth)),
      companySchema,
    );
    expect((await post(ws, { email: "x@example.com", companyId: theirs.id })).status).toBe(400);
    const ours = await bodyOf(
      await call("/api/v1/companies", jsonInit("POST", { name: "Ours" }, ws.auth)),
      companySchema,
    );
    expect((await created(ws, { email: "x@example.com", companyId: ours.id })).companyId).toBe(ours.id);
  });

  it("another workspace's contact is a 404 for every verb", async () => {
    const ws = await newWorkspace();
    const c = await created(await newWorkspace(), { email: "mine@example.com" });
    expect((await call(`/api/v1/contacts/${c.id}`, { headers: ws.auth })).status).toBe(404);
    expect((await call(`/api/v1/contacts/${c.id}`, jsonInit("PATCH", { title: "x" }, ws.auth))).status).toBe(404);
    expect((await call(`/api/v1/contacts/${c.id}`, { method: "DELETE", headers: ws.auth })).status).toBe(404);
  });

  it("lists newest first with keyset paging and filters by email and Salesforce ID", async () => {
    const ws = await newWorkspace();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await created(ws, { email: `p${i}@example.com` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await call(`/api/v1/contacts?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: ws.auth,
      });
      const page = (await res.json()) as { contacts: { id: string }[]; nextCursor: string | null };
      seen.push(...page.contacts.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    const byEmail = await bodyOf(
      await call("/api/v1/contacts?email=P3@Example.com", { headers: ws.auth }),
      contactListSchema,
    );
    expect(byEmail.contacts.map((c) => c.id)).toEqual([made[3]]);
    await env.DB.prepare("UPDATE contacts SET salesforce_id = ? WHERE id = ?")
      .bind(toSalesforceId18("00Q5g00000AbCdE"), made[1])
      .run();
    const bySf = await bodyOf(
      await call("/api/v1/contacts?salesforceId=00Q5g00000AbCdE", { headers: ws.auth }),
      contactListSchema,
    );
    expect(bySf.contacts.map((c) => c.id)).toEqual([made[1]]);
  });

  it("lists contacts with ids from before 0014 (no time in them) among time-ordered ones, newest first, each once", async () => {
    const ws = await newWorkspace();
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    // Rows as the previous Worker writes them (`ct_` + 16 random): older, newer, and one at the same instant as a new one.
    const old = async (id: string, createdAt: string) => {
      await env.DB.prepare(
        "INSERT INTO contacts (id, workspace_id, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
      )
        .bind(id, ws.id, `${id}@example.com`, createdAt, createdAt)
        .run();
    };
    await old("ct_AAAAAAAAAAAAAAAA", at(-60_000));
    const made: Record<string, any>[] = [];
    for (let i = 0; i < 3; i++) made.push(await created(ws, { email: `t${i}@example.com` }));
    await old("ct_zzzzzzzzzzzzzzzz", at(60_000));
    await old("ct_-mmmmmmmmmmmmmmm", made[1]!.createdAt);
    await old("ct_~~~~~~~~~~~~~~~~", made[1]!.createdAt);
    made.push(await created(ws, { email: "t3@example.com" }));
    expect(
      made.every((c) => /^ct__[0-9a-z]{9}[A-Za-z0-9_-]{12}$/.test(c.id)),
      made.map((c) => c.id).join(),
    ).toBe(true);
    const rows = await env.DB.prepare("SELECT id, created_at FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ id: string; created_at: string }>();
    const expected = rows.results
      .sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1))
      .map((r) => r.id);
    for (const limit of [1, 2, 3, 50]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await call(`/api/v1/contacts?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, {
          headers: ws.auth,
        });
        const page = (await res.json()) as { contacts: { id: string }[]; nextCursor: string | null };
        seen.push(...page.contacts.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, `limit=${limit}`).toEqual(expected);
    }
    expect(expected).toHaveLength(8);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["cursor=garbage!", "cursor"],
    ["salesforceId=short", "salesforceId"],
  ])("GET ?%s is a 400 naming %s", async (query, field) => {
    const ws = await newWorkspace();
    const res = await call(`/api/v1/contacts?${query}`, { headers: ws.auth });
    expect(res.status).toBe(400);
    expect((await bodyOf(res, errorSchema)).error.message).toContain(field);
  });
});
