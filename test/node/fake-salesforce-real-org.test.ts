// What real orgs do to integrations, as the fake org does it: late commits, QUERY_TIMEOUT on
// unselective queries, field-level security, 10 open cursors per user, and a rolling 24-hour /limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 5, counts: { Lead: 3000 } });
  sf = createFakeClient(org.url);
  await sf.login();
});
afterAll(async () => {
  await org?.stop();
});
beforeEach(async () => {
  await sf.admin("DELETE", "faults");
});

const newest = async () =>
  (await sf.query("SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp DESC, Id DESC LIMIT 1")).body.records[0];

describe("late commits", () => {
  it("a write with lateBySeconds appears now, stamped behind records already read", async () => {
    await sf.admin("POST", "records", { object: "Lead", records: [{ LastName: "On time", Company: "Fast Tx" }] });
    const before = await newest();
    const { ids } = await sf.admin("POST", "records", {
      object: "Lead",
      lateBySeconds: 300,
      records: [{ LastName: "Late", Company: "Slow Tx", Email: "late@example.com" }],
    });
    const row = (await sf.query(`SELECT Id, SystemModstamp FROM Lead WHERE Id = '${ids[0]}'`)).body.records[0];
    expect(Date.parse(row.SystemModstamp)).toBeLessThan(Date.parse(before.SystemModstamp));
    expect(Date.now() - Date.parse(row.SystemModstamp)).toBeGreaterThanOrEqual(299_000);
    // A reader whose watermark is the newest record before the commit never sees it without a look-back.
    const after = await sf.query(
      `SELECT Id FROM Lead WHERE SystemModstamp > ${new Date(Date.parse(before.SystemModstamp)).toISOString()}`,
    );
    expect(after.body.records.map((r: any) => r.Id)).not.toContain(ids[0]);
  });

  it("a late write to a row committed since its transaction began is stamped no earlier than that commit", async () => {
    const { ids } = await sf.admin("POST", "records", {
      object: "Lead",
      records: [{ LastName: "Busy", Company: "Tx" }],
    });
    const stampOf = async () =>
      Date.parse(
        (await sf.query(`SELECT SystemModstamp FROM Lead WHERE Id = '${ids[0]}'`)).body.records[0].SystemModstamp,
      );
    const committed = await stampOf();
    // The long transaction waited for the row's lock: its write lands after that commit, not 300 s before it.
    await sf.admin("PATCH", "records", {
      object: "Lead",
      lateBySeconds: 300,
      records: [{ Id: ids[0], Title: "Late" }],
    });
    expect(await stampOf()).toBe(committed);
  });

  it("mutateDuringPaging with lateBySeconds changes rows between pages with old stamps", async () => {
    await sf.admin("POST", "faults", {
      mutateDuringPaging: { object: "Lead", everyNPages: 1, count: 3, lateBySeconds: 120 },
    });
    const start = Date.now();
    let res = await sf.query("SELECT Id FROM Lead", { batchSize: 1000 });
    while (!res.body.done) res = await sf.api(res.body.nextRecordsUrl);
    const changed = (await sf.query("SELECT Id, Title, SystemModstamp FROM Lead WHERE Title LIKE 'Changed during%'"))
      .body.records;
    expect(changed.length).toBeGreaterThan(0);
    for (const r of changed) expect(Date.parse(r.SystemModstamp)).toBeLessThanOrEqual(start - 119_000);
  });
});

describe("QUERY_TIMEOUT", () => {
  const timeout = [{ message: "Your query request was running for too long.", errorCode: "QUERY_TIMEOUT" }];

  it("times out a query whose SystemModstamp range holds more rows than maxRows, LIMIT or not", async () => {
    await sf.admin("POST", "faults", { queryTimeout: { maxRows: 1000 } });
    const unbounded = await sf.query("SELECT Id FROM Lead ORDER BY SystemModstamp, Id LIMIT 10");
    expect([unbounded.status, unbounded.body]).toEqual([400, timeout]);
    const rows = (await sf.admin("GET", "records/Lead")).records.map((r: any) => r.SystemModstamp).sort() as string[];
    const from = new Date(Date.parse(rows[100]!)).toISOString();
    const to = new Date(Date.parse(rows[600]!)).toISOString();
    const bounded = await sf.query(
      `SELECT Id FROM Lead WHERE SystemModstamp > ${from} AND SystemModstamp <= ${to} ORDER BY SystemModstamp, Id`,
    );
    expect(bounded.status).toBe(200);
    expect(bounded.body.totalSize).toBeGreaterThan(0);
    const some = (await sf.admin("GET", "records/Lead")).records[0].Id;
    const byId = await sf.query(`SELECT Id FROM Lead WHERE Id IN ('${some}')`);
    expect([byId.status, byId.body.totalSize]).toEqual([200, 1]);
  });

  it("applies to one object only when told, and lifts with null", async () => {
    await sf.admin("POST", "faults", { queryTimeout: { maxRows: 10, object: "Contact" } });
    expect((await sf.query("SELECT Id FROM Lead LIMIT 1")).status).toBe(200);
    expect((await sf.query("SELECT Id FROM Contact LIMIT 1")).status).toBe(400);
    await sf.admin("POST", "faults", { queryTimeout: null });
    expect((await sf.query("SELECT Id FROM Contact LIMIT 1")).status).toBe(200);
  });
});

describe("field-level security", () => {
  it("a hidden field is missing from describe and a query naming it fails with INVALID_FIELD", async () => {
    await sf.admin("POST", "faults", { hiddenFields: { Lead: ["Title"] } });
    const describe = await sf.api("/services/data/v62.0/sobjects/Lead/describe");
    const names = describe.body.fields.map((f: any) => f.name);
    expect(names).toContain("Email");
    expect(names).not.toContain("Title");
    const res = await sf.query("SELECT Id, Title FROM Lead LIMIT 1");
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe("INVALID_FIELD");
    expect(res.body[0].message).toContain("No such column 'Title' on entity 'Lead'");
    const where = await sf.query("SELECT Id FROM Lead WHERE Title = 'x'");
    expect(where.body[0].errorCode).toBe("INVALID_FIELD");
    expect((await sf.query("SELECT Id, Email FROM Lead LIMIT 1")).status).toBe(200);
    await sf.admin("POST", "faults", { hiddenFields: { Lead: null } });
    expect((await sf.query("SELECT Id, Title FROM Lead LIMIT 1")).status).toBe(200);
  });
});

describe("query cursors", () => {
  it("keeps 10 open cursors per user: opening an 11th invalidates the oldest", async () => {
    const invalid = [{ message: "invalid query locator", errorCode: "INVALID_QUERY_LOCATOR" }];
    const open = [];
    for (let i = 0; i < 11; i++) open.push(await sf.query("SELECT Id FROM Lead", { batchSize: 200 }));
    const oldest = await sf.api(open[0].body.nextRecordsUrl);
    expect([oldest.status, oldest.body]).toEqual([400, invalid]);
    const second = await sf.api(open[1].body.nextRecordsUrl);
    expect(second.status).toBe(200);
  });
});

describe("/limits over the rolling 24 hours", () => {
  it("usage set near the limit recovers once its hours have passed", async () => {
    const max = (await sf.admin("GET", "stats")).apiUsage.max as number;
    await sf.admin("POST", "usage", { used: max - 10, hoursAgo: 23 });
    const near = await sf.api("/services/data/v62.0/limits");
    expect(near.body.DailyApiRequests.Remaining).toBeLessThanOrEqual(10);
    expect(near.headers.get("sforce-limit-info")).toBe(`api-usage=${max - 9}/${max}`);
    await sf.admin("POST", "usage", { elapseHours: 1.5 });
    const later = await sf.api("/services/data/v62.0/limits");
    expect(later.body.DailyApiRequests.Remaining).toBeGreaterThan(max - 10);
    await sf.admin("POST", "usage", { used: 0 });
  });
});
