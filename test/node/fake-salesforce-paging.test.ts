// Query locators and page sizes, cursor snapshots and expiry, and paging 120,000 Leads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 3, counts: { Lead: 5000 } });
  sf = createFakeClient(org.url);
  await sf.login();
});
afterAll(async () => {
  await org?.stop();
});

describe("query paging", () => {
  it("pages by Sforce-Query-Options batchSize, clamped to 200–2,000", async () => {
    for (const [asked, got] of [
      [undefined, 2000],
      [500, 500],
      [100, 200],
      [5000, 2000],
    ] as const) {
      const res = await sf.query("SELECT Id FROM Lead", { batchSize: asked });
      expect(res.body.records.length, `batchSize=${asked}`).toBe(got);
      expect(res.body).toMatchObject({ totalSize: 5000, done: false });
      expect(res.body.nextRecordsUrl).toMatch(new RegExp(`^/services/data/v62\\.0/query/0r8[A-Za-z0-9]{15}-${got}$`));
    }
  });

  it("follows nextRecordsUrl to the last page, which is done and has no nextRecordsUrl", async () => {
    let res = await sf.query("SELECT Id FROM Lead", { batchSize: 1500 });
    const seen = new Set<string>(res.body.records.map((r: any) => r.Id));
    let pages = 1;
    while (!res.body.done) {
      res = await sf.api(res.body.nextRecordsUrl, { headers: { "Sforce-Query-Options": "batchSize=1500" } });
      expect(res.status).toBe(200);
      for (const r of res.body.records) seen.add(r.Id);
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen.size).toBe(5000);
    expect(res.body.nextRecordsUrl).toBeUndefined();
    expect(res.body.totalSize).toBe(5000);
  });

  it("keeps a stable snapshot while records change between pages", async () => {
    const first = await sf.query("SELECT Id, Title FROM Lead ORDER BY SystemModstamp, Id");
    const later = await sf.query("SELECT Id FROM Lead ORDER BY SystemModstamp, Id LIMIT 10 OFFSET 2000");
    const target = later.body.records[0].Id;
    await sf.admin("PATCH", "records", { object: "Lead", records: [{ Id: target, Title: "Edited mid-page" }] });
    const second = await sf.api(first.body.nextRecordsUrl);
    expect(second.body.records[0]).toMatchObject({ Id: target });
    expect(second.body.records[0].Title).not.toBe("Edited mid-page");
    const fresh = await sf.query(`SELECT Title FROM Lead WHERE Id = '${target}'`);
    expect(fresh.body.records[0].Title).toBe("Edited mid-page");
  });

  it("answers INVALID_QUERY_LOCATOR for unknown, expired and evicted locators", async () => {
    const invalid = [{ message: "invalid query locator", errorCode: "INVALID_QUERY_LOCATOR" }];
    expect((await sf.api("/services/data/v62.0/query/0r85e0000000XyZAAA-2000")).body).toEqual(invalid);
    const res = await sf.query("SELECT Id FROM Lead");
    await sf.admin("POST", "faults", { expireLocators: true });
    const expired = await sf.api(res.body.nextRecordsUrl);
    expect([expired.status, expired.body]).toEqual([400, invalid]);

    const oldest = await sf.query("SELECT Id FROM Lead");
    for (let i = 0; i < 10; i++) await sf.query("SELECT Id FROM Lead");
    expect((await sf.api(oldest.body.nextRecordsUrl)).body).toEqual(invalid);
  });

  it("changes records between pages with the mutateDuringPaging fault", async () => {
    await sf.admin("POST", "faults", { mutateDuringPaging: { object: "Lead", everyNPages: 1, count: 5 } });
    const before = (await sf.query("SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp DESC, Id DESC LIMIT 1"))
      .body.records[0];
    let res = await sf.query("SELECT Id FROM Lead", { batchSize: 2000 });
    while (!res.body.done) res = await sf.api(res.body.nextRecordsUrl);
    await sf.admin("DELETE", "faults");
    const changed = await sf.query(
      `SELECT Id, Title FROM Lead WHERE SystemModstamp > ${before.SystemModstamp} OR (SystemModstamp = ${before.SystemModstamp} AND Id > '${before.Id}')`,
    );
    expect(changed.body.totalSize).toBeGreaterThan(0);
    expect(changed.body.records.some((r: any) => /^Changed during sync/.test(r.Title))).toBe(true);
  });
});

describe("120,000 Leads", () => {
  it("pages through all of them in 60 keyset windows of 2,000, and in 60 queryMore pages", {
    timeout: 120_000,
  }, async () => {
    const started = Date.now();
    const stats = await sf.admin("POST", "reset", { counts: { Lead: 120_000 } });
    expect(stats.counts.Lead).toBe(120_000);
    const seeded = Date.now();
    await sf.login();
    const seen = new Set<string>();
    let cursor: { SystemModstamp: string; Id: string } | null = null;
    let windows = 0;
    for (;;) {
      const where: string = cursor
        ? ` WHERE SystemModstamp > ${cursor.SystemModstamp} OR (SystemModstamp = ${cursor.SystemModstamp} AND Id > '${cursor.Id}')`
        : "";
      const res = await sf.query(
        `SELECT Id, Email, FirstName, LastName, Company, SystemModstamp FROM Lead${where} ORDER BY SystemModstamp, Id LIMIT 2000`,
      );
      const records = res.body.records;
      windows++;
      for (const r of records) seen.add(r.Id);
      if (records.length < 2000) break;
      cursor = records[records.length - 1];
    }
    const keyset = Date.now();
    let res = await sf.query("SELECT Id, Email, FirstName, LastName, Company, SystemModstamp FROM Lead");
    let pages = 1;
    let count = res.body.records.length;
    while (!res.body.done) {
      res = await sf.api(res.body.nextRecordsUrl);
      pages++;
      count += res.body.records.length;
    }
    const done = Date.now();
    console.log(
      `120,000 leads: reset ${seeded - started} ms, keyset ${windows} windows ${keyset - seeded} ms, queryMore ${pages} pages ${done - keyset} ms`,
    );
    expect(seen.size).toBe(120_000);
    expect(windows).toBe(61);
    expect([pages, count]).toEqual([60, 120_000]);
    expect(done - started).toBeLessThan(60_000);
  });
});
