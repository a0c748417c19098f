// The fake org's API surface, usage accounting, fault controls, admin endpoints and seeded data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { normalizeId } from "../fake-salesforce/src/ids";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;
const V = "/services/data/v62.0";
type Row = Record<string, any>;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0 });
  sf = createFakeClient(org.url);
  await sf.login();
});
afterAll(async () => {
  await org?.stop();
});

const usage = (res: { headers: Headers }) => res.headers.get("sforce-limit-info");

describe("API surface", () => {
  it("lists versions without auth or usage header, and serves v50.0 and later", async () => {
    const res = await fetch(`${org.url}/services/data/`);
    const versions = (await res.json()) as Row[];
    expect(res.headers.get("sforce-limit-info")).toBeNull();
    expect(versions[0]).toEqual({ label: "Winter '21", url: "/services/data/v50.0", version: "50.0" });
    expect(versions.at(-1)).toEqual({ label: "Winter '27", url: "/services/data/v68.0", version: "68.0" });
    expect((await sf.api("/services/data/v50.0/limits")).status).toBe(200);
    expect((await sf.api("/services/data/v49.0/limits")).status).toBe(404);
    expect((await sf.api("/services/data/v62.0/")).body.query).toBe("/services/data/v62.0/query");
  });

  it("counts every API call in Sforce-Limit-Info and /limits", async () => {
    const a = await sf.api(`${V}/limits`);
    const [used, max] = usage(a)!.replace("api-usage=", "").split("/").map(Number);
    expect(max).toBe(100000);
    expect(a.body.DailyApiRequests).toEqual({ Max: 100000, Remaining: 100000 - used });
    const b = await sf.query("SELECT Id FROM Account LIMIT 1");
    expect(usage(b)).toBe(`api-usage=${used + 1}/100000`);
    const unauthorized = await sf.api(`${V}/limits`, { token: "nope" });
    expect(usage(unauthorized)).toBe(`api-usage=${used + 1}/100000`);
  });

  it("describes objects with types, lengths, picklists and required fields", async () => {
    const lead = (await sf.api(`${V}/sobjects/Lead/describe`)).body;
    expect(lead).toMatchObject({ name: "Lead", keyPrefix: "00Q", queryable: true });
    const field = (name: string) => lead.fields.find((f: Row) => f.name === name);
    expect(field("LastName")).toMatchObject({ type: "string", length: 80, nillable: false, createable: true });
    expect(field("Email")).toMatchObject({ type: "email", length: 80, nillable: true });
    expect(field("LeadSource")).toMatchObject({
      type: "picklist",
      restrictedPicklist: true,
      picklistValues: expect.arrayContaining([
        { active: true, defaultValue: false, label: "Web", validFor: null, value: "Web" },
      ]),
    });
    expect(field("ConvertedContactId")).toMatchObject({
      type: "reference",
      referenceTo: ["Contact"],
      createable: false,
      updateable: false,
    });
    expect(field("SystemModstamp")).toMatchObject({ type: "datetime", createable: false });
    expect(field("Do_Not_Sync__c")).toMatchObject({ type: "boolean", custom: true });
    const event = (await sf.api(`${V}/sobjects/Conversion_Event__c/describe`)).body;
    expect(event).toMatchObject({ custom: true, keyPrefix: "a0X" });
    expect(event.fields.map((f: Row) => f.name)).toEqual(
      expect.arrayContaining(["Event_Name__c", "Email__c", "User_Id__c", "Occurred_At__c", "Properties__c"]),
    );
    const global = (await sf.api(`${V}/sobjects`)).body;
    expect(global.sobjects.map((s: Row) => s.name)).toEqual([
      "Account",
      "Contact",
      "Lead",
      "Opportunity",
      "OpportunityContactRole",
      "Conversion_Event__c",
    ]);
  });
});

describe("faults", () => {
  it("answers 503 and 500 for the next n calls, then recovers", async () => {
    await sf.admin("POST", "faults", { http503: 2, http500: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await sf.api(`${V}/limits`)).status);
    expect(statuses).toEqual([503, 503, 500, 200]);
  });

  it("slows every call with latencyMs", async () => {
    await sf.admin("POST", "faults", { latencyMs: 300 });
    const t = Date.now();
    await sf.api(`${V}/limits`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    await sf.admin("DELETE", "faults");
  });

  it("slows query pages of one object with slowPages, first pages spared with morePagesOnly", async () => {
    const timed = async (call: () => Promise<{ status: number; body: any }>) => {
      const t = Date.now();
      const res = await call();
      expect(res.status).toBe(200);
      return { ms: Date.now() - t, body: res.body };
    };
    await sf.admin("POST", "faults", { slowPages: { object: "account", latencyMs: 600, morePagesOnly: true } });
    // Other objects, other calls and the Account query's first page are not held.
    expect((await timed(() => sf.query("SELECT Id FROM Lead", { batchSize: 200 }))).ms).toBeLessThan(500);
    expect((await timed(() => sf.api(`${V}/sobjects/Account/describe`))).ms).toBeLessThan(500);
    const first = await timed(() => sf.query("SELECT Id FROM Account", { batchSize: 200 }));
    expect(first.ms).toBeLessThan(500);
    expect(first.body.nextRecordsUrl).toBeTruthy();
    const second = await timed(() => sf.api(first.body.nextRecordsUrl));
    expect(second.ms).toBeGreaterThanOrEqual(590);
    // One page (times defaults to 1): the rule is used up.
    expect((await sf.admin("GET", "faults")).slowPages).toEqual([]);
    expect((await timed(() => sf.query("SELECT Id FROM Account", { batchSize: 200 }))).ms).toBeLessThan(500);
    await sf.admin("POST", "faults", { slowPages: [{ object: "Account", latencyMs: 600, times: 2 }] });
    expect((await timed(() => sf.query("SELECT Id FROM Account LIMIT 1"))).ms).toBeGreaterThanOrEqual(590);
    await sf.admin("POST", "faults", { slowPages: null });
    expect((await timed(() => sf.query("SELECT Id FROM Account LIMIT 1"))).ms).toBeLessThan(500);
  });

  it("hides objects (INVALID_TYPE) or denies them (INSUFFICIENT_ACCESS)", async () => {
    await sf.admin("POST", "faults", {
      unreadable: { Lead: "INVALID_TYPE", Conversion_Event__c: "INSUFFICIENT_ACCESS" },
    });
    const hidden = await sf.query("SELECT Id FROM Lead");
    expect([hidden.status, hidden.body[0].errorCode]).toEqual([400, "INVALID_TYPE"]);
    expect(hidden.body[0].message).toContain("sObject type 'Lead' is not supported.");
    const denied = await sf.query("SELECT Id FROM Conversion_Event__c");
    expect([denied.status, denied.body[0].errorCode]).toEqual([403, "INSUFFICIENT_ACCESS"]);
    expect((await sf.query("SELECT Id FROM Contact LIMIT 1")).status).toBe(200);
    await sf.admin("DELETE", "faults");
    expect((await sf.query("SELECT Id FROM Lead LIMIT 1")).status).toBe(200);
  });

  it("answers 403 REQUEST_LIMIT_EXCEEDED at the daily limit or when told to", async () => {
    const exceeded = [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }];
    await sf.admin("POST", "faults", { limitReached: true });
    const forced = await sf.api(`${V}/limits`);
    expect([forced.status, forced.body]).toEqual([403, exceeded]);
    await sf.admin("DELETE", "faults");
    await sf.admin("POST", "reset", { dailyLimit: 3 });
    await sf.login();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await sf.api(`${V}/limits`)).status);
    expect(statuses).toEqual([200, 200, 200, 403]);
    expect(usage(await sf.api(`${V}/limits`))).toBe("api-usage=3/3");
    await sf.admin("POST", "reset", {});
    await sf.login();
  });
});

describe("admin endpoints", () => {
  it("logs calls with their kind, object and status", async () => {
    await sf.admin("DELETE", "calls");
    await sf.query("SELECT Id FROM Account");
    await sf.api(`${V}/composite/sobjects`, {
      method: "POST",
      body: { allOrNone: false, records: [{ attributes: { type: "Account" }, Name: "Logged" }] },
    });
    await sf.api(`${V}/limits`, { token: "bad" });
    const calls = await sf.admin("GET", "calls");
    expect(calls).toEqual([
      expect.objectContaining({
        method: "GET",
        kind: "query",
        object: "Account",
        status: 200,
        query: "SELECT Id FROM Account",
        at: expect.any(String),
      }),
      expect.objectContaining({ method: "POST", kind: "collections", op: "create", records: 1, status: 200 }),
      expect.objectContaining({ kind: "limits", status: 401 }),
    ]);
    expect(await sf.admin("DELETE", "calls")).toEqual([]);
  });

  it("inserts, updates, soft-deletes and reads raw records", async () => {
    const { ids } = await sf.admin("POST", "records", {
      object: "Lead",
      records: [{ LastName: "Raw", Company: "Co", Email: "raw@example.com", IsConverted: true }],
    });
    expect(normalizeId(ids[0])).toBe(ids[0]);
    const [row] = (await sf.admin("GET", "records/Lead?email=RAW@example.com")).records;
    expect(row).toMatchObject({ Id: ids[0], IsConverted: true, IsDeleted: false });
    await new Promise((r) => setTimeout(r, 1100));
    await sf.admin("PATCH", "records", { object: "Lead", records: [{ Id: ids[0], Title: "Edited" }] });
    const [edited] = (await sf.admin("GET", `records/Lead?ids=${ids[0]}`)).records;
    expect(edited.Title).toBe("Edited");
    expect(edited.SystemModstamp > row.SystemModstamp).toBe(true);
    expect(await sf.admin("DELETE", "records", { object: "Lead", ids })).toMatchObject({ deleted: 1 });
    expect((await sf.query(`SELECT Id FROM Lead WHERE Id = '${ids[0]}'`)).body.totalSize).toBe(0);
    expect((await sf.query(`SELECT Id FROM Lead WHERE Id = '${ids[0]}'`, { all: true })).body.totalSize).toBe(1);
  });

  it("resets to a chosen seed and size; the same seed builds the same org", async () => {
    const a = await sf.admin("POST", "reset", { seed: 99, counts: { Lead: 50, Contact: 20 } });
    expect(a.counts).toMatchObject({ Lead: 50, Contact: 20 });
    const first = (await sf.admin("GET", "records/Lead")).records.map((r: Row) => [r.Id, r.Email, r.LastName]);
    await sf.admin("POST", "reset", { seed: 99, counts: { Lead: 50, Contact: 20 } });
    const second = (await sf.admin("GET", "records/Lead")).records.map((r: Row) => [r.Id, r.Email, r.LastName]);
    expect(second).toEqual(first);
    const stats = await sf.admin("GET", "stats");
    expect(stats).toMatchObject({ counts: { Lead: 50 }, apiUsage: { used: 0, max: 100000 }, openLocators: 0 });
    await sf.admin("POST", "reset", {});
    await sf.login();
  });
});

describe("seeded data", () => {
  it("has real 18-character ids with the right key prefixes and checksums", async () => {
    for (const [object, prefix] of [
      ["Account", "001"],
      ["Contact", "003"],
      ["Opportunity", "006"],
      ["Lead", "00Q"],
      ["OpportunityContactRole", "00K"],
      ["Conversion_Event__c", "a0X"],
    ]) {
      const rows = (await sf.admin("GET", `records/${object}`)).records as Row[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows.slice(0, 50)) {
        expect(r.Id.slice(0, 3)).toBe(prefix);
        expect(normalizeId(r.Id.slice(0, 15))).toBe(r.Id);
        expect(normalizeId(r.Id.toLowerCase())).toBe(r.Id);
      }
    }
    expect(normalizeId("001D000000IRFma")).toBe("001D000000IRFmaIAH");
  });

  it("carries realistic defects when defects are on", async () => {
    const get = async (o: string) =>
      ((await sf.admin("GET", `records/${o}`)).records as Row[]).filter((r) => !r.IsDeleted);
    const [leads, contacts, accounts, roles, opps, events] = await Promise.all(
      ["Lead", "Contact", "Account", "OpportunityContactRole", "Opportunity", "Conversion_Event__c"].map(get),
    );
    const share = (rows: Row[], p: (r: Row) => boolean) => rows.filter(p).length / rows.length;
    expect(share(leads, (r) => r.Email === null)).toBeGreaterThan(0.02);
    expect(share(leads, (r) => r.Email && !/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(r.Email))).toBeGreaterThan(0.005);
    const converted = leads.filter((r) => r.IsConverted);
    expect(converted.length).toBeGreaterThan(0);
    expect(converted.every((r) => r.ConvertedContactId?.startsWith("003"))).toBe(true);
    const excluded = new Set(accounts.filter((a) => a.Do_Not_Sync__c).map((a) => a.Id));
    expect(contacts.some((c) => excluded.has(c.AccountId))).toBe(true);
    const liveOpps = new Set(opps.map((o) => o.Id));
    expect(roles.some((r) => !liveOpps.has(r.OpportunityId))).toBe(true);
    expect(events.some((e) => e.Event_Name__c === null)).toBe(true);
    expect(events.some((e) => e.Email__c === null && e.User_Id__c === null)).toBe(true);
    const emails = [...leads, ...contacts].map((r) => r.Email?.toLowerCase()).filter(Boolean);
    expect(new Set(emails).size).toBeLessThan(emails.length);
    expect(leads.some((r) => /[^\x00-\x7f]/.test(`${r.FirstName} ${r.LastName}`))).toBe(true);
    expect(leads.some((r) => r.FirstName === "<img src=x onerror=alert(1)>")).toBe(true);
  });

  it("is clean when defects are off", async () => {
    await sf.admin("POST", "reset", { defects: false });
    const leads = (await sf.admin("GET", "records/Lead")).records as Row[];
    expect(leads.every((r) => r.Email && !r.IsConverted && !r.IsDeleted && !r.Do_Not_Sync__c)).toBe(true);
    expect(new Set(leads.map((r) => r.Email.toLowerCase())).size).toBe(leads.length);
    await sf.admin("POST", "reset", {});
  });
});
