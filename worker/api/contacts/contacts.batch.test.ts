import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyOf, call, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import { errorSchema } from "../common";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

const batch = (ws: Ws, body: unknown, what = "contacts") =>
  call(`/api/v1/${what}:batch`, jsonInit("POST", body, ws.auth));

async function created(ws: Ws, path: string, body: Record<string, unknown>) {
  const res = await call(`/api/v1/${path}`, jsonInit("POST", body, ws.auth));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Record<string, any>;
}

async function outbox(ws: Ws) {
  const { results } = await env.DB.prepare(
    "SELECT entity_id, entity_type, operation, changed_fields, sent_at FROM outbox WHERE workspace_id = ? ORDER BY created_at, id",
  )
    .bind(ws.id)
    .all<Record<string, any>>();
  return results;
}

async function counts(ws: Ws) {
  return env.DB.prepare(
    `SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ?1) AS contacts, (SELECT count(*) FROM outbox WHERE workspace_id = ?1) AS outbox`,
  )
    .bind(ws.id)
    .first<{ contacts: number; outbox: number }>();
}

describe("bulk writes (POST /api/v1/contacts:batch)", () => {
  it("creates and changes contacts in one request: outbox rows as single writes leave them, answers in order", async () => {
    const ws = await newWorkspace();
    const company = await created(ws, "companies", { name: "Analytical Engines" });
    const ada = await created(ws, "contacts", { email: "ada@example.com", firstName: "Ada" });
    const grace = await created(ws, "contacts", { email: "grace@example.com", title: "Admiral" });
    const before = (await outbox(ws)).length;
    const res = await batch(ws, {
      items: [
        { email: " New@Example.COM ", lastName: "New", companyId: company.id },
        { id: ada.id, title: "Countess", firstName: "Ada" },
        { id: grace.id, title: "Admiral" },
        { email: "second@example.com", title: "" },
      ],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, any>[] };
    expect(items.map((c) => c.email)).toEqual([
      "new@example.com",
      "ada@example.com",
      "grace@example.com",
      "second@example.com",
    ]);
    expect(items[0]).toMatchObject({ lastName: "New", companyId: company.id, salesforceId: null });
    expect(items[0]!.id).toMatch(/^ct_/);
    expect(items[1]).toMatchObject({ id: ada.id, firstName: "Ada", title: "Countess" });
    expect(items[2]).toEqual(grace);
    expect(items[3]!.title).toBeNull();
    // Stored as answered.
    for (const item of items)
      expect(await (await call(`/api/v1/contacts/${item.id}`, { headers: ws.auth })).json()).toEqual(item);
    // One outbox row per changed item, naming the changed fields; the unchanged one leaves none.
    const rows = (await outbox(ws)).slice(before);
    expect(rows.map((r) => [r.entity_id, JSON.parse(r.changed_fields)])).toEqual(
      expect.arrayContaining([
        [items[0]!.id, ["email", "lastName", "companyId"]],
        [ada.id, ["title"]],
        [items[3]!.id, ["email"]],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.entity_type === "contact" && r.operation === "upsert" && r.sent_at)).toBe(true);
  });

  it.each([
    [
      "an item without email or id",
      { items: [{ email: "a@example.com" }, { lastName: "No email" }] },
      400,
      "items.1.email",
    ],
    [
      "an invalid email",
      { items: [{ email: "a@example.com" }, { email: "b@example.com" }, { email: "nope" }] },
      400,
      "items.2.email",
    ],
    ["an unknown field", { items: [{ email: "a@example.com", shoeSize: 44 }] }, 400, "items.0.shoeSize"],
    ["firstName as a number", { items: [{ email: "a@example.com", firstName: 7 }] }, 400, "items.0.firstName"],
    [
      "a salesforceId",
      { items: [{ email: "a@example.com", salesforceId: "00Q000000000001AAA" }] },
      400,
      "items.0.salesforceId",
    ],
    ["an unknown id", { items: [{ email: "a@example.com" }, { id: "ct_nope", title: "x" }] }, 400, "items.1.id"],
    ["an unknown companyId", { items: [{ email: "a@example.com", companyId: "co_nope" }] }, 400, "items.0.companyId"],
    ["no items", { items: [] }, 400, "items"],
    ["201 items", { items: Array.from({ length: 201 }, (_, i) => ({ email: `m${i}@example.com` })) }, 400, "items"],
    ["no items array", { contacts: [] }, 400, "items"],
    ["an email another contact has", { items: [{ email: "taken@example.com" }] }, 409, "items.0.email"],
    [
      "one email twice",
      { items: [{ email: "twice@example.com" }, { email: "TWICE@example.com" }] },
      409,
      "items.1.email",
    ],
  ])("%s is a %i naming %s, and writes nothing", async (_name, body, status, field) => {
    const ws = await newWorkspace();
    await created(ws, "contacts", { email: "taken@example.com" });
    const before = await counts(ws);
    const res = await batch(ws, body);
    expect(res.status).toBe(status);
    const err = await bodyOf(res, errorSchema);
    expect(err.error.code).toBe(status === 409 ? "conflict" : "invalid_request");
    expect(err.error.message).toContain(field);
    expect(await counts(ws)).toEqual(before);
  });

  it("the same contact twice, or another workspace's contact, is refused by item", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const mine = await created(ws, "contacts", { email: "mine@example.com" });
    const theirs = await created(other, "contacts", { email: "theirs@example.com" });
    const twice = await batch(ws, {
      items: [
        { id: mine.id, title: "A" },
        { id: mine.id, title: "B" },
      ],
    });
    expect(twice.status).toBe(400);
    expect((await bodyOf(twice, errorSchema)).error.message).toContain("items.1.id");
    const foreign = await batch(ws, { items: [{ id: theirs.id, title: "Mine now" }] });
    expect(foreign.status).toBe(400);
    expect((await bodyOf(foreign, errorSchema)).error.message).toContain("items.0.id");
    expect(await (await call(`/api/v1/contacts/${theirs.id}`, { headers: other.auth })).json()).toEqual(theirs);
  });

  it("companies too: creates and changes, a new company without a name is a 400 naming the item", async () => {
    const ws = await newWorkspace();
    const acme = await created(ws, "companies", { name: "Acme" });
    const bad = await batch(
      ws,
      { items: [{ id: acme.id, industry: "Rockets" }, { domain: "nameless.com" }] },
      "companies",
    );
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad, errorSchema)).error.message).toContain("items.1.name");
    const res = await batch(
      ws,
      {
        items: [
          { id: acme.id, industry: "Rockets" },
          { name: "Globex", domain: "https://www.globex.com/about" },
        ],
      },
      "companies",
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, any>[] };
    expect(items[0]).toMatchObject({ id: acme.id, name: "Acme", industry: "Rockets" });
    expect(items[1]).toMatchObject({ name: "Globex", domain: "globex.com" });
    // (The batch's two rows share D1's commit time; their order between them is not defined.)
    const fields = (await outbox(ws)).map((r) => JSON.parse(r.changed_fields));
    expect(fields[0]).toEqual(["name"]);
    expect(fields.slice(1)).toEqual(expect.arrayContaining([["industry"], ["name", "domain"]]));
    expect(fields).toHaveLength(3);
  });
});
