import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, jsonInit, newWorkspace, shardOf } from "./helpers";
import { pushed } from "./outbound.fixtures";
import { openPage, type PageSession } from "./page-session";
import { adminRoutes, type Ids, initOf, label, urlOf, workspaceRoutes } from "./routes";
import { connectedWorkspace, fake, resetFake, syncNow } from "./sync-helpers";

// Workspace A is connected, synced and has pushed; workspace B asks for A's things every way the
// API allows. B must get 404s and empty lists, and no response B ever gets may name anything of A's.
// All of it twice: B on A's shard (the queries' workspace filters keep them apart), and B on another
// shard (the routing does: docs/shards.md); then A asks for B's things too.

type Ws = Awaited<ReturnType<typeof newWorkspace>>;
type Json = Record<string, any>;

const SMALL = { Account: 6, Contact: 8, Lead: 8, Opportunity: 6, OpportunityContactRole: 6, Conversion_Event__c: 8 };

let a: Ws;
let b: Ws;
let bPage: PageSession;
let aIds: Ids;
let bIds: Ids;
/** Every id, email and Salesforce id of A's that the API could show. */
const aStrings = new Set<string>();
/** B's ids, key and email. */
const bStrings = new Set<string>();
let aRuns: Json[] = [];
let aContact: Json;
let aCompany: Json;
let aSettings: Json;

async function get(ws: { auth: Record<string, string> }, path: string): Promise<Json> {
  const res = await call(`/api/v1${path}`, { headers: ws.auth });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return res.json() as Promise<Json>;
}

async function post(ws: { auth: Record<string, string> }, path: string, body: unknown): Promise<Json> {
  const res = await call(`/api/v1${path}`, jsonInit("POST", body, ws.auth));
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return res.json() as Promise<Json>;
}

/** Asserts the text names nothing of the set's. Returns it for further checks. */
function expectNothingOf(strings: Set<string>, text: string, what: string): string {
  const leaked = [...strings].filter((s) => text.includes(s));
  expect(leaked, `${what} leaked ${leaked.slice(0, 5).join(", ")}`).toEqual([]);
  return text;
}

/** Asserts the text names nothing of A's. Returns it for further checks. */
const expectNothingOfA = (text: string, what: string) => expectNothingOf(aStrings, text, what);

function remember(...values: unknown[]) {
  for (const v of values) if (typeof v === "string" && v.length >= 6) aStrings.add(v);
}

const PLACEMENTS = [
  { name: "on the same shard", shard: "DB" },
  { name: "on another shard", shard: "SHARD_1" },
];

describe.each(PLACEMENTS)("workspace B $name", (placement) => {
  beforeAll(async () => {
    aStrings.clear();
    bStrings.clear();
    await resetFake({ counts: SMALL, defects: true });
    // One Lead whose FirstName arrives as a number: a failed record, so A has a run worth retrying.
    const { ids } = await fake<{ ids: string[] }>("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Typed", Company: "A Co", Email: "typed.lead@tenant-a.example" }],
    });
    await fake("POST", "/__fake/faults", { corruptRecords: [{ id: ids[0], set: { FirstName: 42 } }] });
    a = await connectedWorkspace({ syncIntervalMinutes: 17, objects: { Conversion_Event__c: { enabled: true } } });
    await syncNow(a);
    await fake("DELETE", "/__fake/faults");
    aCompany = await post(a, "/companies", { name: "Tenant A Holdings", domain: "tenant-a.example" });
    aContact = await post(a, "/contacts", { email: "ada@tenant-a.example", firstName: "Ada", companyId: aCompany.id });
    await pushed(a, 2);

    b = await newWorkspace("Tenant B", { shard: placement.shard });
    const bCompany = await post(b, "/companies", { name: "Tenant B Ltd" });
    const bContact = await post(b, "/contacts", { email: "bea@tenant-b.example", companyId: bCompany.id });
    bPage = await openPage(b.auth);

    // Everything of A's, read through A's own key.
    aRuns = (await get(a, "/sync/runs?limit=200")).runs;
    const records = (
      await Promise.all(aRuns.map(async (r) => (await get(a, `/sync/runs/${r.id}/records?limit=200`)).records))
    ).flat();
    const contacts = (await get(a, "/contacts?limit=200")).contacts;
    const companies = (await get(a, "/companies?limit=200")).companies;
    const opportunities = (await get(a, "/opportunities?limit=200")).opportunities;
    const events = (await get(a, "/events?limit=200")).events;
    const connection = await get(a, "/connection");
    aSettings = await get(a, "/settings");
    const directions = new Set(aRuns.map((r) => r.direction));
    expect([...directions].sort()).toEqual(["inbound", "outbound"]);
    for (const list of [records, contacts, companies, opportunities, events]) expect(list.length).toBeGreaterThan(0);
    expect(records.some((r) => r.status === "failed")).toBe(true);

    remember(a.id, a.apiKey, connection.orgId, connection.username);
    for (const r of aRuns) remember(r.id);
    for (const r of records) remember(r.id, r.salesforceId, r.conversionId);
    for (const c of contacts) remember(c.id, c.email, c.salesforceId, c.userId);
    for (const c of companies) remember(c.id, c.salesforceId);
    for (const o of opportunities) remember(o.id, o.salesforceId);
    for (const e of events) remember(e.id, e.salesforceId, e.contactId);

    const failedRun = aRuns.find((r) => r.counts.failed > 0)!;
    const linked = contacts.find((c: Json) => c.salesforceId)!;
    aIds = {
      workspaceId: a.id,
      keyId: "key_of_a",
      runId: failedRun.id,
      contactId: aContact.id,
      companyId: aCompany.id,
      salesforceId: linked.salesforceId,
      email: linked.email,
    };
    bIds = { ...aIds, workspaceId: b.id, contactId: bContact.id, companyId: bCompany.id };
    for (const v of [b.id, b.apiKey, bContact.id, bContact.email, bCompany.id]) bStrings.add(v);
  }, 180_000);

  describe("another workspace's data", () => {
    it("lists answer only B's own rows, also when filtered by A's email or Salesforce id", async () => {
      for (const route of workspaceRoutes.filter((r) => r.list && !r.owns)) {
        for (const auth of [b.auth, bPage.headers()]) {
          const res = await call(urlOf(route, aIds), { headers: auth });
          const text = expectNothingOfA(await res.text(), label(route));
          expect(res.status, `${label(route)}: ${text}`).toBe(200);
          expect(JSON.parse(text)[route.list!], label(route)).toEqual(expect.any(Array));
        }
      }
      expect((await get(b, "/contacts")).contacts.map((c: Json) => c.id)).toEqual([bIds.contactId]);
      expect((await get(b, "/companies")).companies.map((c: Json) => c.id)).toEqual([bIds.companyId]);
      for (const query of [`salesforceId=${aIds.salesforceId}`, `email=${encodeURIComponent(aIds.email)}`]) {
        expect((await get(b, `/sync/records?${query}`)).records).toEqual([]);
      }
      expect((await get(b, `/contacts?salesforceId=${aIds.salesforceId}`)).contacts).toEqual([]);
      expect((await get(b, `/contacts?email=${encodeURIComponent(aContact.email)}`)).contacts).toEqual([]);
      expect((await get(b, `/companies?salesforceId=${aIds.salesforceId}`)).companies).toEqual([]);
      for (const list of ["/opportunities", "/events", "/sync/runs?direction=inbound"]) {
        expect(Object.values(await get(b, list))[0]).toEqual([]);
      }
    });

    it("A's cursors page B's own lists: a cursor carries a position, never a workspace", async () => {
      let tried = 0;
      for (const route of workspaceRoutes.filter((r) => r.list)) {
        const query = route.path === "/api/v1/sync/records" ? { limit: "1" } : "limit=1";
        const page = (await get(a, urlOf(route, aIds, { query }).replace("/api/v1", ""))) as Json;
        // A record's history is often one entry long: nothing to page.
        if (!page.nextCursor) continue;
        tried++;
        const res = await call(urlOf(route, bIds, { query: { limit: "1", cursor: page.nextCursor } }), {
          headers: b.auth,
        });
        const text = expectNothingOfA(await res.text(), `${label(route)} with A's cursor`);
        expect([200, 404], `${label(route)}: ${text}`).toContain(res.status);
      }
      expect(tried).toBeGreaterThanOrEqual(6);
    });

    it("the health card counts none of A's runs or reasons", async () => {
      const health = await get(b, "/sync/health");
      expectNothingOfA(JSON.stringify(health), "GET /sync/health");
      expect(health.lastRuns.inbound).toBeNull();
      expect(health).toMatchObject({ connection: { status: "not_connected", orgId: null }, apiUsage: null });
      const mine = await get(a, "/sync/health");
      expect(mine.lastRuns.inbound).not.toBeNull();
    });

    it("every route that takes an id answers 404 with the error envelope for A's ids, by key and by page session", async () => {
      const owned = workspaceRoutes.filter((r) => r.owns);
      expect(owned.map(label)).toEqual(
        expect.arrayContaining(["POST /api/v1/sync/runs/{id}/retry", "DELETE /api/v1/contacts/{id}"]),
      );
      for (const route of owned) {
        for (const headers of [b.auth, bPage.headers(true)]) {
          const res = await call(urlOf(route, aIds), initOf(route, bIds, headers));
          const text = expectNothingOfA(await res.text(), label(route));
          expect(res.status, `${label(route)}: ${text}`).toBe(404);
          expect(res.headers.get("content-type")).toMatch(/^application\/json/);
          expect(JSON.parse(text)).toEqual({ error: { code: "not_found", message: expect.any(String) } });
        }
      }
      // Also the run's records by their run id: the CSV stays A's.
      const csv = await call(`/api/v1/sync/runs/${aIds.runId}/records.csv`, { headers: b.auth });
      expect(csv.status).toBe(404);
    });

    it("B's PATCH, DELETE and retry on A's ids changed nothing of A's", async () => {
      expect(await get(a, `/contacts/${aContact.id}`)).toEqual({
        ...aContact,
        salesforceId: expect.any(String),
        salesforceObject: "Lead",
      });
      expect((await get(a, `/companies/${aCompany.id}`)).name).toBe(aCompany.name);
      const runsNow = (await get(a, "/sync/runs?limit=200")).runs;
      expect(runsNow.map((r: Json) => r.id)).toEqual(aRuns.map((r) => r.id));
      const outbox = await env.DB.prepare(
        "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
      )
        .bind(a.id)
        .first<{ n: number }>();
      expect(outbox?.n).toBe(0);
    });

    it("B's settings and connection are B's own, and B's writes never reach A's", async () => {
      const bSettings = await get(b, "/settings");
      expect(bSettings.syncIntervalMinutes).toBe(5);
      expect(bSettings.objects.Conversion_Event__c.enabled).toBe(false);
      const patched = await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 60 }, b.auth));
      expect(patched.status).toBe(200);
      expect(await get(a, "/settings")).toEqual(aSettings);

      expectNothingOfA(JSON.stringify(await get(b, "/connection")), "GET /connection");
      expect((await get(b, "/connection")).status).toBe("not_connected");
      const disconnect = await call("/api/v1/connection", { method: "DELETE", headers: b.auth });
      expect(disconnect.status).toBe(204);
      expect((await get(a, "/connection")).status).toBe("connected");
      const syncNowB = await call("/api/v1/sync/inbound", { method: "POST", headers: b.auth });
      expect(syncNowB.status).toBe(409);
      expectNothingOfA(await syncNowB.text(), "POST /sync/inbound");

      // A's company cannot be linked from B: a 400 naming the field, on create and on PATCH.
      const link = await call(
        "/api/v1/contacts",
        jsonInit("POST", { email: "link@tenant-b.example", companyId: aCompany.id }, b.auth),
      );
      expect(link.status).toBe(400);
      expect(expectNothingOfA(await link.text(), "POST /contacts")).toContain("companyId");
      const relink = await call(
        `/api/v1/contacts/${bIds.contactId}`,
        jsonInit("PATCH", { companyId: aCompany.id }, b.auth),
      );
      expect(relink.status).toBe(400);
      // The same email is a different contact in each workspace (a third one, so B's answers stay free of A's email).
      const twin = await post(await newWorkspace("Tenant C"), "/contacts", { email: aContact.email });
      expect(twin.id).not.toBe(aContact.id);
      expect(
        (await get(a, `/contacts?email=${encodeURIComponent(aContact.email)}`)).contacts.map((c: Json) => c.id),
      ).toEqual([aContact.id]);
    });

    it("every response B gets on every route names nothing of A's", async () => {
      for (const route of workspaceRoutes) {
        const res = await call(urlOf(route, bIds), initOf(route, bIds, b.auth));
        expect(res.status, label(route)).toBeLessThan(500);
        expectNothingOfA(await res.text(), label(route));
      }
    });
  });

  describe("placement", () => {
    it(`A is on DB, B ${placement.name}: the directory says so, and each one's rows are in its own database only`, async () => {
      expect(await shardOf(a.id)).toBe("DB");
      expect(await shardOf(b.id)).toBe(placement.shard);
      const d1 = (name: string) => (env as unknown as Record<string, D1Database>)[name]!;
      const count = async (shard: string, workspaceId: string) =>
        (await d1(shard)
          .prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
          .bind(workspaceId)
          .first<{ n: number }>())!.n;
      expect(await count("DB", a.id)).toBeGreaterThan(0);
      expect(await count(placement.shard, b.id)).toBeGreaterThan(0);
      if (placement.shard !== "DB") {
        expect(await count("SHARD_1", a.id)).toBe(0);
        expect(await count("DB", b.id)).toBe(0);
      }
    });
  });

  describe("and the other way round", () => {
    it("A's key and page session get 404s for B's ids, and lists naming nothing of B's", async () => {
      const aPage = await openPage(a.auth);
      // B has no runs of its own (never connected): its contact's and company's ids.
      for (const route of workspaceRoutes.filter((r) => r.owns === "contact" || r.owns === "company")) {
        for (const headers of [a.auth, aPage.headers(true)]) {
          const res = await call(urlOf(route, bIds), initOf(route, aIds, headers));
          const text = expectNothingOf(bStrings, await res.text(), label(route));
          expect(res.status, `${label(route)}: ${text}`).toBe(404);
        }
      }
      // A's own reads (not its writes, which later tests would see) name nothing of B's.
      for (const route of workspaceRoutes.filter((r) => r.method === "GET")) {
        const res = await call(urlOf(route, aIds), initOf(route, aIds, a.auth));
        expect(res.status, label(route)).toBeLessThan(500);
        expectNothingOf(bStrings, await res.text(), label(route));
      }
      expect((await get(a, `/contacts?email=${encodeURIComponent("bea@tenant-b.example")}`)).contacts).toEqual([]);
    });
  });

  describe("credentials across tenants", () => {
    it("a revoked key is a 401 on every workspace route", async () => {
      const extra = await call(`/api/v1/admin/workspaces/${b.id}/api-keys`, { method: "POST", headers: ADMIN });
      const { id, apiKey } = (await extra.json()) as { id: string; apiKey: string };
      const auth = { authorization: `Bearer ${apiKey}` };
      expect((await call("/api/v1/settings", { headers: auth })).status).toBe(200);
      expect(
        (await call(`/api/v1/admin/workspaces/${b.id}/api-keys/${id}`, { method: "DELETE", headers: ADMIN })).status,
      ).toBe(204);
      for (const route of workspaceRoutes) {
        const res = await call(urlOf(route, bIds), initOf(route, bIds, auth));
        expect(res.status, label(route)).toBe(401);
        expect(((await res.json()) as Json).error.code).toBe("unauthorized");
      }
    });

    it("another workspace's key cannot revoke A's key through B's path", async () => {
      const key = (await (
        await call(`/api/v1/admin/workspaces/${a.id}/api-keys`, { method: "POST", headers: ADMIN })
      ).json()) as { id: string; apiKey: string };
      const wrongWorkspace = await call(`/api/v1/admin/workspaces/${b.id}/api-keys/${key.id}`, {
        method: "DELETE",
        headers: ADMIN,
      });
      expect(wrongWorkspace.status).toBe(404);
      expect((await call("/api/v1/settings", { headers: { authorization: `Bearer ${key.apiKey}` } })).status).toBe(200);
    });

    it("admin routes refuse a workspace key; workspace routes refuse the admin token", async () => {
      for (const route of adminRoutes) {
        for (const auth of [a.auth, b.auth, bPage.headers(true)]) {
          const res = await call(urlOf(route, aIds), initOf(route, aIds, auth));
          expect(res.status, label(route)).toBe(401);
        }
      }
      for (const route of workspaceRoutes) {
        const res = await call(urlOf(route, aIds), initOf(route, aIds, ADMIN));
        expect(res.status, label(route)).toBe(401);
        expectNothingOfA(await res.text(), label(route));
      }
    });
  });
});
