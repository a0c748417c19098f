// Writes: sObject Collections (create, update, upsert, delete), single-record REST, validation in
// Salesforce's error codes, allOrNone, and injected per-record errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;
const V = "/services/data/v62.0";

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 5 });
  sf = createFakeClient(org.url);
  await sf.login();
});
afterAll(async () => {
  await org?.stop();
});

const create = (records: Record<string, unknown>[], allOrNone = false) =>
  sf.api(`${V}/composite/sobjects`, { method: "POST", body: { allOrNone, records } });
const update = (records: Record<string, unknown>[], allOrNone = false) =>
  sf.api(`${V}/composite/sobjects`, { method: "PATCH", body: { allOrNone, records } });
const lead = (fields: Record<string, unknown>) => ({
  attributes: { type: "Lead" },
  LastName: "Doe",
  Company: "Acme",
  ...fields,
});
const raw = async (object: string, id: string) => (await sf.admin("GET", `records/${object}?ids=${id}`)).records[0];

describe("sObject Collections", () => {
  it("creates records and reports per-record errors in input order", async () => {
    const account = (await sf.query("SELECT Id FROM Account LIMIT 1")).body.records[0].Id;
    const res = await create([
      lead({ Email: "new.lead@example.com" }),
      { attributes: { type: "Lead" }, FirstName: "No", Email: "x@example.com" },
      lead({ Nope__c: 1 }),
      lead({ Title: "t".repeat(129) }),
      lead({ LeadSource: "Carrier Pigeon" }),
      lead({ Email: "foo@bar" }),
      { attributes: { type: "Contact" }, LastName: "Ref", AccountId: "0015e0000000000AAA" },
      { attributes: { type: "Contact" }, LastName: "Ok", AccountId: account.slice(0, 15) },
      lead({ IsDeleted: true }),
    ]);
    expect(res.status).toBe(200);
    const codes = res.body.map((r: any) => (r.success ? "OK" : r.errors[0].statusCode));
    expect(codes).toEqual([
      "OK",
      "REQUIRED_FIELD_MISSING",
      "INVALID_FIELD",
      "STRING_TOO_LONG",
      "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      "INVALID_EMAIL_ADDRESS",
      "INVALID_CROSS_REFERENCE_KEY",
      "OK",
      "INVALID_FIELD_FOR_INSERT_UPDATE",
    ]);
    expect(res.body[1]).toEqual({
      success: false,
      errors: [
        {
          statusCode: "REQUIRED_FIELD_MISSING",
          message: "Required fields are missing: [LastName, Company]",
          fields: ["LastName", "Company"],
        },
      ],
    });
    expect(res.body[3].errors[0].message).toMatch(/^Title: data value too large: t+ \(max length=128\)$/);
    expect(res.body[0]).toEqual({ id: expect.stringMatching(/^00Q[A-Za-z0-9]{15}$/), success: true, errors: [] });
    const created = await raw("Lead", res.body[0].id);
    expect(created).toMatchObject({
      Email: "new.lead@example.com",
      Status: "Open - Not Contacted",
      IsConverted: false,
      IsDeleted: false,
    });
    expect(created.CreatedDate).toBe(created.SystemModstamp);
    expect((await raw("Contact", res.body[7].id)).AccountId).toBe(account);
  });

  it("rolls back everything with allOrNone when one record fails", async () => {
    const before = (await sf.query("SELECT COUNT() FROM Lead")).body.totalSize;
    const res = await create(
      [lead({ Email: "a1@example.com" }), lead({ LastName: null }), lead({ Email: "a3@example.com" })],
      true,
    );
    expect(res.body.map((r: any) => r.errors[0]?.statusCode)).toEqual([
      "ALL_OR_NONE_OPERATION_ROLLED_BACK",
      "REQUIRED_FIELD_MISSING",
      "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    ]);
    expect(res.body[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
          message: "Record rolled back because not all records were valid and the request was using AllOrNone header",
          fields: [],
        },
      ],
    });
    expect((await sf.query("SELECT COUNT() FROM Lead")).body.totalSize).toBe(before);
  });

  it("refuses more than 200 records and malformed bodies as a whole", async () => {
    const big = await create(Array.from({ length: 201 }, (_, i) => lead({ Email: `b${i}@example.com` })));
    expect([big.status, big.body[0].errorCode]).toEqual([400, "EXCEEDED_ID_LIMIT"]);
    const badType = await create([lead({ IsConverted: "yes" })]);
    expect([badType.status, badType.body[0].errorCode]).toEqual([400, "JSON_PARSER_ERROR"]);
    const unknown = await create([{ attributes: { type: "Leed" }, LastName: "x" }]);
    expect([unknown.status, unknown.body[0].errorCode]).toEqual([400, "INVALID_TYPE"]);
    const ids = Array.from({ length: 201 }, () => "00Q5e0000000000AAA").join(",");
    const del = await sf.api(`${V}/composite/sobjects?ids=${ids}`, { method: "DELETE" });
    expect([del.status, del.body[0].errorCode]).toEqual([400, "EXCEEDED_ID_LIMIT"]);
  });

  it("updates by id (15 or 18 characters), bumps LastModifiedDate and SystemModstamp, and refuses converted leads", async () => {
    const [fresh] = (await create([lead({ Email: "upd@example.com" })])).body;
    const before = await raw("Lead", fresh.id);
    await new Promise((r) => setTimeout(r, 1100));
    const converted = (await sf.query("SELECT Id FROM Lead WHERE IsConverted = true LIMIT 1")).body.records[0].Id;
    const res = await update([
      { attributes: { type: "Lead" }, id: fresh.id.slice(0, 15), Title: "CFO" },
      { attributes: { type: "Lead" }, id: converted, Title: "CFO" },
      { attributes: { type: "Lead" }, id: "00Q5e0000000001AAA", Title: "CFO" },
      { attributes: { type: "Lead" }, id: fresh.id, Company: "" },
    ]);
    expect(res.body.map((r: any) => (r.success ? "OK" : r.errors[0].statusCode))).toEqual([
      "OK",
      "CANNOT_UPDATE_CONVERTED_LEAD",
      "INVALID_CROSS_REFERENCE_KEY",
      "REQUIRED_FIELD_MISSING",
    ]);
    expect(res.body[0].id).toBe(fresh.id);
    expect(res.body[1]).toMatchObject({ id: converted, errors: [{ message: "cannot reference converted lead" }] });
    const after = await raw("Lead", fresh.id);
    expect(after.Title).toBe("CFO");
    expect(after.SystemModstamp > before.SystemModstamp).toBe(true);
    expect(after.LastModifiedDate).toBe(after.SystemModstamp);
    expect(after.CreatedDate).toBe(before.CreatedDate);
  });

  it("upserts by an external id field, creating then updating", async () => {
    const url = `${V}/composite/sobjects/Contact/Conversion_Id__c`;
    const body = (title: string) => ({
      allOrNone: false,
      records: [{ attributes: { type: "Contact" }, Conversion_Id__c: "conv-42", LastName: "Upsert", Title: title }],
    });
    const first = await sf.api(url, { method: "PATCH", body: body("One") });
    expect(first.body[0]).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [], created: true });
    const second = await sf.api(url, { method: "PATCH", body: body("Two") });
    expect(second.body[0]).toEqual({ id: first.body[0].id, success: true, errors: [], created: false });
    expect((await raw("Contact", first.body[0].id)).Title).toBe("Two");
    const notExternal = await sf.api(`${V}/composite/sobjects/Contact/Email`, { method: "PATCH", body: body("x") });
    expect([notExternal.status, notExternal.body[0].errorCode]).toEqual([400, "INVALID_FIELD"]);
  });

  it("deletes softly: queryAll still sees the rows, and deleting twice is ENTITY_IS_DELETED", async () => {
    const made = (await create([lead({ Email: "d1@example.com" }), lead({ Email: "d2@example.com" })])).body.map(
      (r: any) => r.id,
    );
    const res = await sf.api(`${V}/composite/sobjects?ids=${made.join(",")},nope&allOrNone=false`, {
      method: "DELETE",
    });
    expect(res.body).toEqual([
      { id: made[0], success: true, errors: [] },
      { id: made[1], success: true, errors: [] },
      { success: false, errors: [{ statusCode: "MALFORMED_ID", message: "malformed id nope", fields: [] }] },
    ]);
    const again = await sf.api(`${V}/composite/sobjects?ids=${made[0]}`, { method: "DELETE" });
    expect(again.body[0].errors[0].statusCode).toBe("ENTITY_IS_DELETED");
    const all = await sf.query(`SELECT Id, IsDeleted FROM Lead WHERE Id IN ('${made[0]}', '${made[1]}')`, {
      all: true,
    });
    expect(all.body.records.map((r: any) => r.IsDeleted)).toEqual([true, true]);
  });

  it("fails chosen records with injected errors, for a number of attempts", async () => {
    await sf.admin("POST", "faults", {
      recordErrors: [
        { email: "flaky@example.com", statusCode: "UNABLE_TO_LOCK_ROW", times: 2 },
        { email: "dup@example.com", statusCode: "DUPLICATES_DETECTED" },
      ],
    });
    const attempt = () => create([lead({ Email: "Flaky@example.com" }), lead({ Email: "dup@example.com" })]);
    for (let i = 0; i < 2; i++) {
      const res = await attempt();
      expect(res.body.map((r: any) => r.errors[0]?.statusCode)).toEqual(["UNABLE_TO_LOCK_ROW", "DUPLICATES_DETECTED"]);
      expect(res.body[0].errors[0].message).toMatch(/^unable to obtain exclusive access to this record/);
    }
    const third = await attempt();
    expect(third.body.map((r: any) => r.success)).toEqual([true, false]);
    const id = third.body[0].id;
    await sf.admin("POST", "faults", {
      recordErrors: [
        { id, statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: "Title must be set", fields: ["Title"] },
      ],
    });
    const upd = await update([{ attributes: { type: "Lead" }, id, Phone: "1" }]);
    expect(upd.body[0]).toEqual({
      id,
      success: false,
      errors: [{ statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: "Title must be set", fields: ["Title"] }],
    });
    await sf.admin("DELETE", "faults");
  });
});

describe("single-record REST", () => {
  it("creates, reads, updates and deletes one record", async () => {
    const made = await sf.api(`${V}/sobjects/Account`, {
      method: "POST",
      body: { Name: "Solo Inc", Industry: "Banking" },
    });
    expect([made.status, made.body]).toEqual([201, { id: expect.stringMatching(/^001/), success: true, errors: [] }]);
    const id = made.body.id;
    const got = await sf.api(`${V}/sobjects/Account/${id}?fields=Name,Industry`);
    expect(got.body).toEqual({
      attributes: { type: "Account", url: `${V}/sobjects/Account/${id}` },
      Name: "Solo Inc",
      Industry: "Banking",
    });
    const patched = await sf.api(`${V}/sobjects/Account/${id}`, { method: "PATCH", body: { Industry: "Spaceflight" } });
    expect([patched.status, patched.body]).toEqual([
      400,
      [
        {
          message: "Industry: bad value for restricted picklist field: Spaceflight",
          errorCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
          fields: ["Industry"],
        },
      ],
    ]);
    expect(
      (await sf.api(`${V}/sobjects/Account/${id}`, { method: "PATCH", body: { Website: "https://solo.example.com" } }))
        .status,
    ).toBe(204);
    expect((await sf.api(`${V}/sobjects/Account/${id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await sf.api(`${V}/sobjects/Account/${id}`);
    expect([gone.status, gone.body[0].errorCode]).toEqual([404, "NOT_FOUND"]);
  });

  it("lists deleted records by date range (getDeleted)", async () => {
    const made = (await create([lead({ Email: "gd@example.com" })])).body[0].id;
    await sf.api(`${V}/sobjects/Lead/${made}`, { method: "DELETE" });
    const end = new Date(Date.now() + 60_000).toISOString();
    const start = new Date(Date.now() - 3_600_000).toISOString();
    const res = await sf.api(`${V}/sobjects/Lead/deleted/?start=${start}&end=${end}`);
    expect(res.body.deletedRecords.map((r: any) => r.id)).toContain(made);
    expect(res.body.earliestDateAvailable).toMatch(/\+0000$/);
  });
});
