// What an exactly-once writer meets: Composite (a collection write and a query in one API call),
// answers lost after the write committed, write calls refused whole, and Conversion's external-id
// field present (upserts: created vs updated, DUPLICATE_EXTERNAL_ID) or absent in an org.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;
const V = "/services/data/v68.0";

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 9 });
  sf = createFakeClient(org.url);
});
afterAll(async () => {
  await org?.stop();
});
beforeEach(async () => {
  await sf.admin("POST", "reset", { seed: 9, counts: { Lead: 3, Contact: 3, Account: 3 } });
  await sf.login();
});

const lead = (email: string, extra: Record<string, unknown> = {}) => ({
  attributes: { type: "Lead" },
  LastName: "Once",
  Company: "Exactly",
  Email: email,
  ...extra,
});
const leadsByEmail = async (email: string) =>
  (await sf.admin("GET", `records/Lead?email=${encodeURIComponent(email)}`)).records as Record<string, any>[];
const usage = async () => (await sf.admin("GET", "stats")).apiUsage.used as number;
const composite = (compositeRequest: unknown[]) =>
  sf.api(`${V}/composite`, { method: "POST", body: { allOrNone: false, collateSubrequests: false, compositeRequest } });

describe("Composite", () => {
  it("a collection write and a query of what it wrote, answered together, count as one API call", async () => {
    const before = await usage();
    const res = await composite([
      {
        method: "POST",
        url: `${V}/composite/sobjects`,
        referenceId: "write",
        body: { allOrNone: false, records: [lead("c1@example.com"), lead("c2@example.com")] },
      },
      {
        method: "GET",
        url: `${V}/query?q=${encodeURIComponent("SELECT Id, CreatedDate, LastModifiedDate FROM Lead WHERE Id IN ('@{write[0].id}', '@{write[1].id}')")}`,
        referenceId: "times",
      },
    ]);
    expect(res.status).toBe(200);
    expect(await usage()).toBe(before + 1);
    const [write, times] = res.body.compositeResponse;
    expect(write).toMatchObject({ httpStatusCode: 200, referenceId: "write" });
    expect(write.body.map((r: any) => r.success)).toEqual([true, true]);
    expect(times).toMatchObject({ httpStatusCode: 200, referenceId: "times", body: { totalSize: 2, done: true } });
    const byId = new Map(times.body.records.map((r: any) => [r.Id, r]));
    for (const w of write.body) {
      const row = byId.get(w.id) as Record<string, string>;
      expect(row.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
      expect(row.LastModifiedDate).toBe(row.CreatedDate);
    }
    const calls = await sf.admin("GET", "calls");
    const top = calls.filter((c: any) => !c.via);
    expect(top.at(-1)).toMatchObject({ kind: "composite", method: "POST", status: 200 });
    expect(calls.filter((c: any) => c.via === "composite").map((c: any) => [c.kind, c.op ?? null])).toEqual([
      ["collections", "create"],
      ["query", null],
    ]);
  });

  it("a subrequest refused whole answers its own error; one that depends on it is not run; others still are", async () => {
    const res = await composite([
      {
        method: "POST",
        url: `${V}/composite/sobjects`,
        referenceId: "bad",
        body: { allOrNone: false, records: [{ attributes: { type: "Nope__c" }, Name: "x" }] },
      },
      { method: "GET", url: `${V}/sobjects/Lead/@{bad[0].id}`, referenceId: "dependent" },
      { method: "GET", url: `${V}/query?q=SELECT+COUNT()+FROM+Lead`, referenceId: "independent" },
    ]);
    expect(res.status).toBe(200);
    const [bad, dependent, independent] = res.body.compositeResponse;
    expect(bad).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: "INVALID_TYPE" }] });
    expect(dependent).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: "PROCESSING_HALTED" }] });
    expect(independent).toMatchObject({ httpStatusCode: 200, body: { totalSize: 3 } });
  });

  it("more than 25 subrequests is refused whole", async () => {
    const subs = Array.from({ length: 26 }, (_, i) => ({ method: "GET", url: `${V}/limits`, referenceId: `l${i}` }));
    const res = await composite(subs);
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe("LIMIT_EXCEEDED");
  });
});

describe("answers lost after the write committed", () => {
  it.each([["drop"], [500], [502], [504]])("as %s: the record exists, the answer does not say so", async (as) => {
    await sf.admin("POST", "faults", { loseAnswers: { times: 1, as } });
    const res = await fetch(`${org.url}${V}/composite/sobjects`, {
      method: "POST",
      headers: { authorization: `Bearer ${await sf.login()}`, "content-type": "application/json" },
      body: JSON.stringify({ allOrNone: false, records: [lead(`lost-${as}@example.com`)] }),
    });
    const text = await res.text();
    if (as === "drop") {
      expect(res.status).toBe(200);
      expect(() => JSON.parse(text)).toThrow();
    } else expect(res.status).toBe(as);
    expect(await leadsByEmail(`lost-${as}@example.com`)).toHaveLength(1);
    // One call only: the next write answers normally.
    const again = await sf.api(`${V}/composite/sobjects`, {
      method: "POST",
      body: { allOrNone: false, records: [lead(`kept-${as}@example.com`)] },
    });
    expect(again.body[0].success).toBe(true);
  });

  it("reads are never lost (only writes commit something)", async () => {
    await sf.admin("POST", "faults", { loseAnswers: { times: 1, as: 500 } });
    expect((await sf.query("SELECT COUNT() FROM Lead")).status).toBe(200);
    expect((await sf.admin("GET", "faults")).loseAnswers).toEqual({ times: 1, as: 500 });
  });
});

describe("write calls refused whole", () => {
  it("rejectWrites refuses the next write call of the object before writing anything", async () => {
    await sf.admin("POST", "faults", { rejectWrites: { times: 1, object: "Lead" } });
    const refused = await sf.api(`${V}/composite/sobjects`, {
      method: "POST",
      body: { allOrNone: false, records: [lead("refused@example.com")] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body[0].errorCode).toBe("JSON_PARSER_ERROR");
    expect(await leadsByEmail("refused@example.com")).toHaveLength(0);
    const next = await sf.api(`${V}/composite/sobjects`, {
      method: "POST",
      body: { allOrNone: false, records: [lead("refused@example.com")] },
    });
    expect(next.body[0].success).toBe(true);
  });
});

describe("Conversion's external-id field", () => {
  const upsert = (records: Record<string, unknown>[]) =>
    sf.api(`${V}/composite/sobjects/Lead/Conversion_Id__c`, { method: "PATCH", body: { allOrNone: false, records } });

  it("present: describe shows it External ID and Unique; an upsert creates once, then updates", async () => {
    const describe = (await sf.api(`${V}/sobjects/Lead/describe`)).body;
    expect(describe.fields.find((f: any) => f.name === "Conversion_Id__c")).toMatchObject({
      externalId: true,
      unique: true,
      createable: true,
      updateable: true,
    });
    const first = await upsert([lead("up@example.com", { Conversion_Id__c: "ct_up" })]);
    expect(first.body).toEqual([{ id: expect.stringMatching(/^00Q/), success: true, errors: [], created: true }]);
    const second = await upsert([lead("up@example.com", { Conversion_Id__c: "ct_up", Title: "Again" })]);
    expect(second.body).toEqual([{ id: first.body[0].id, success: true, errors: [], created: false }]);
    const rows = await leadsByEmail("up@example.com");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Title: "Again", Conversion_Id__c: "ct_up" });
  });

  it("present: two records carrying one id answer DUPLICATE_EXTERNAL_ID and nothing is written", async () => {
    await sf.admin("POST", "records", {
      object: "Lead",
      records: [1, 2].map((i) => ({ LastName: `Dup${i}`, Company: "Dup", Conversion_Id__c: "ct_dup" })),
    });
    const res = await upsert([lead("dup@example.com", { Conversion_Id__c: "ct_dup" })]);
    expect(res.body[0]).toMatchObject({
      success: false,
      created: false,
      errors: [{ statusCode: "DUPLICATE_EXTERNAL_ID" }],
    });
    expect(await leadsByEmail("dup@example.com")).toHaveLength(0);
  });

  it("absent: not in describe, an upsert on it is 404 NOT_FOUND, a query or write naming it INVALID_FIELD", async () => {
    await sf.admin("POST", "reset", { seed: 9, counts: { Lead: 3 }, conversionIdField: false });
    await sf.login();
    const describe = (await sf.api(`${V}/sobjects/Lead/describe`)).body;
    expect(describe.fields.some((f: any) => f.name === "Conversion_Id__c")).toBe(false);
    const res = await upsert([lead("gone@example.com", { Conversion_Id__c: "ct_gone" })]);
    expect(res.status).toBe(404);
    expect(res.body[0].errorCode).toBe("NOT_FOUND");
    const q = await sf.query("SELECT Id, Conversion_Id__c FROM Lead");
    expect(q.status).toBe(400);
    expect(q.body[0].errorCode).toBe("INVALID_FIELD");
    const create = await sf.api(`${V}/composite/sobjects`, {
      method: "POST",
      body: { allOrNone: false, records: [lead("gone@example.com", { Conversion_Id__c: "ct_gone" })] },
    });
    expect(create.body[0].errors[0].statusCode).toBe("INVALID_FIELD");
    expect((await sf.admin("GET", "stats")).config.conversionIdField).toBe(false);
  });
});
