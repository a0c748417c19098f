// The SOQL subset of the fake org, checked against the org's raw records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

type Row = Record<string, any>;
let org: FakeOrg;
let sf: FakeClient;
let leads: Row[];

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 11 });
  sf = createFakeClient(org.url);
  await sf.login();
  leads = (await sf.admin("GET", "records/Lead")).records;
});
afterAll(async () => {
  await org?.stop();
});

const ids = (rows: Row[]) => rows.map((r) => r.Id);
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const live = () => leads.filter((r) => !r.IsDeleted);
async function rows(soql: string, all = false): Promise<Row[]> {
  const res = await sf.query(soql, { all });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.done).toBe(true);
  return res.body.records;
}

describe("SOQL subset", () => {
  it("returns selected fields in canonical case with attributes, and datetimes Salesforce-style", async () => {
    const [r] = await rows("select id, EMAIL, name, systemmodstamp from lead limit 1");
    expect(Object.keys(r)).toEqual(["attributes", "Id", "Email", "Name", "SystemModstamp"]);
    expect(r.attributes).toEqual({ type: "Lead", url: `/services/data/v62.0/sobjects/Lead/${r.Id}` });
    expect(r.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
  });

  it("filters with =, !=, <, >=, AND, OR and parentheses; text compares case-insensitively", async () => {
    const sample = live().find((r) => r.Email && r.LeadSource)!;
    expect(ids(await rows(`SELECT Id FROM Lead WHERE Email = '${sample.Email.toUpperCase()}'`))).toContain(sample.Id);
    const web = await rows(
      "SELECT Id, LeadSource FROM Lead WHERE LeadSource = 'Web' AND (IsConverted = false OR Email = null)",
    );
    expect(web.length).toBe(
      live().filter((r) => r.LeadSource === "Web" && (!r.IsConverted || r.Email === null)).length,
    );
    const notWeb = await rows("SELECT Id FROM Lead WHERE LeadSource != 'Web'");
    expect(notWeb.length).toBe(live().filter((r) => r.LeadSource !== "Web").length);
    const pivot = live()[Math.floor(live().length / 2)].SystemModstamp;
    const before = await rows(`SELECT Id FROM Lead WHERE SystemModstamp < ${pivot}`);
    const after = await rows(`SELECT Id FROM Lead WHERE SystemModstamp >= ${pivot.replace(".000+0000", "Z")}`);
    expect(before.length + after.length).toBe(live().length);
    expect(before.length).toBe(live().filter((r) => r.SystemModstamp < pivot).length);
  });

  it("reads null, booleans, numbers, dates, IN, LIKE and string escapes", async () => {
    expect((await rows("SELECT Id FROM Lead WHERE Email = null")).length).toBe(
      live().filter((r) => r.Email === null).length,
    );
    expect((await rows("SELECT Id FROM Lead WHERE IsConverted = true")).length).toBe(
      live().filter((r) => r.IsConverted).length,
    );
    const opps = (await sf.admin("GET", "records/Opportunity")).records.filter((r: Row) => !r.IsDeleted);
    expect((await rows("SELECT Id FROM Opportunity WHERE Amount > 100000.5")).length).toBe(
      opps.filter((r: Row) => r.Amount > 100000.5).length,
    );
    expect((await rows("SELECT Id FROM Opportunity WHERE CloseDate <= 2026-06-30")).length).toBe(
      opps.filter((r: Row) => r.CloseDate <= "2026-06-30").length,
    );
    const two = live().slice(0, 2);
    expect(
      ids(await rows(`SELECT Id FROM Lead WHERE Id IN ('${two[0].Id.slice(0, 15)}', '${two[1].Id}')`)).sort(),
    ).toEqual(ids(two).sort());
    expect((await rows("SELECT Id FROM Lead WHERE LastName LIKE 'o\\'br%'")).length).toBe(
      live().filter((r) => r.LastName === "O'Brien").length,
    );
    expect((await rows("SELECT Id FROM Lead WHERE NOT LastName LIKE '%a%'")).length).toBe(
      live().filter((r) => !/a/i.test(r.LastName)).length,
    );
  });

  it("orders by several fields ascending and descending, with LIMIT and OFFSET", async () => {
    const got = await rows(
      "SELECT Id, LastName, CreatedDate FROM Lead ORDER BY LastName DESC, CreatedDate ASC, Id LIMIT 50 OFFSET 10",
    );
    const want = [...live()]
      .sort(
        (a, b) =>
          cmp(b.LastName.toLowerCase(), a.LastName.toLowerCase()) ||
          cmp(a.CreatedDate, b.CreatedDate) ||
          cmp(a.Id, b.Id),
      )
      .slice(10, 60);
    expect(ids(got)).toEqual(ids(want));
    const latest = await rows("SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp DESC, Id DESC LIMIT 3");
    const sorted = [...live()].sort((a, b) => cmp(b.SystemModstamp, a.SystemModstamp) || cmp(b.Id, a.Id));
    expect(ids(latest)).toEqual(ids(sorted.slice(0, 3)));
  });

  it("counts with SELECT COUNT() and COUNT(field)", async () => {
    const res = await sf.query("SELECT COUNT() FROM Lead WHERE Email != null");
    expect(res.body).toEqual({ totalSize: live().filter((r) => r.Email !== null).length, done: true, records: [] });
    const agg = await sf.query("SELECT COUNT(Email) FROM Lead");
    expect(agg.body.records[0]).toEqual({
      attributes: { type: "AggregateResult" },
      expr0: live().filter((r) => r.Email !== null).length,
    });
  });

  it("follows parent relationships", async () => {
    const [c] = await rows(
      "SELECT Id, Account.Name, Account.Do_Not_Sync__c FROM Contact WHERE AccountId != null LIMIT 1",
    );
    expect(c.Account).toMatchObject({
      attributes: { type: "Account" },
      Name: expect.any(String),
      Do_Not_Sync__c: expect.any(Boolean),
    });
    const excluded = await rows("SELECT Id FROM Contact WHERE Account.Do_Not_Sync__c = true");
    expect(excluded.length).toBeGreaterThan(0);
  });

  it("walks a keyset window over (SystemModstamp, Id) without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: Row | null = null;
    for (;;) {
      const where: string = cursor
        ? ` WHERE SystemModstamp > ${cursor.SystemModstamp} OR (SystemModstamp = ${cursor.SystemModstamp} AND Id > '${cursor.Id}')`
        : "";
      const page: Row[] = await rows(
        `SELECT Id, SystemModstamp FROM Lead${where} ORDER BY SystemModstamp, Id LIMIT 200`,
      );
      seen.push(...ids(page));
      if (page.length < 200) break;
      cursor = page[page.length - 1];
    }
    const want = [...live()].sort((a, b) => cmp(a.SystemModstamp, b.SystemModstamp) || cmp(a.Id, b.Id));
    expect(seen).toEqual(ids(want));
    const stamps = new Map<string, number>();
    for (const r of live()) stamps.set(r.SystemModstamp, (stamps.get(r.SystemModstamp) ?? 0) + 1);
    expect(Math.max(...stamps.values())).toBeGreaterThan(1);
  });

  it("shows deleted rows to queryAll only", async () => {
    const deleted = leads.filter((r) => r.IsDeleted);
    expect(deleted.length).toBeGreaterThan(0);
    expect(await rows("SELECT Id FROM Lead WHERE IsDeleted = true")).toEqual([]);
    expect((await rows("SELECT Id FROM Lead WHERE IsDeleted = true", true)).length).toBe(deleted.length);
  });

  it("answers bad queries with Salesforce's error codes", async () => {
    const cases: [string, number, string][] = [
      ["SELECT Id FRM Lead", 400, "MALFORMED_QUERY"],
      ["SELECT Id FROM Lead WHERE", 400, "MALFORMED_QUERY"],
      ["SELECT Id FROM Lead WHERE Email = 'a' AND Email = 'b' OR Email = 'c'", 400, "MALFORMED_QUERY"],
      ["SELECT Id FROM Lead WHERE SystemModstamp > 2026-01-15T10:20:30.000 0000", 400, "MALFORMED_QUERY"],
      ["SELECT Id, Nope__c FROM Lead", 400, "INVALID_FIELD"],
      ["SELECT Id FROM Lead WHERE SystemModstamp > '2026-01-15T10:20:30Z'", 400, "INVALID_FIELD"],
      ["SELECT Id FROM Lead WHERE Email = 5", 400, "INVALID_FIELD"],
      ["SELECT Id FROM Lead WHERE Id = 'nope'", 400, "INVALID_QUERY_FILTER_OPERATOR"],
      ["SELECT Id FROM Leads", 400, "INVALID_TYPE"],
    ];
    for (const [soql, status, code] of cases) {
      const res = await sf.query(soql);
      expect([res.status, res.body[0].errorCode], soql).toEqual([status, code]);
    }
    const res = await sf.query("SELECT Id, Nope__c FROM Lead");
    expect(res.body[0].message).toContain("No such column 'Nope__c' on entity 'Lead'");
    expect(res.body[0].message).toContain("ERROR at Row:1:Column:12");
    const missing = await sf.api("/services/data/v62.0/query");
    expect(missing.body[0].errorCode).toBe("MALFORMED_QUERY");
  });

  it("accepts datetime literals with Z, +hh:mm and +hhmm offsets", async () => {
    const pivot = live()[100].SystemModstamp as string;
    const t = new Date(pivot.replace("+0000", "Z")).getTime();
    const plusTwo = new Date(t + 2 * 3600_000).toISOString().replace(".000Z", "+02:00");
    const a = await rows(`SELECT Id FROM Lead WHERE SystemModstamp = ${pivot}`);
    const b = await rows(`SELECT Id FROM Lead WHERE SystemModstamp = ${plusTwo}`);
    expect(ids(b)).toEqual(ids(a));
    expect(a.length).toBeGreaterThan(0);
  });
});
