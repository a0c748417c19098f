// The fake org's record lifecycle against Salesforce's documentation: the recycle bin (queryAll,
// 15 days, purge), hard deletes and an emptied bin, getDeleted, lead conversion, merges, records
// deleted while a sync pages, and id-only keyset paging.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;
const V = "/services/data/v62.0";
const DAY = 86_400;
type Row = Record<string, any>;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0 });
  sf = createFakeClient(org.url);
});
afterAll(async () => {
  await org?.stop();
});
beforeEach(async () => {
  await sf.admin("POST", "reset", { counts: { Lead: 300, Contact: 200, Account: 50 } });
  await sf.login();
});

async function ids(soql: string, all = false): Promise<string[]> {
  const res = await sf.query(soql, { all });
  expect(res.status).toBe(200);
  return res.body.records.map((r: Row) => r.Id);
}

const liveLead = async () => (await ids("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1"))[0]!;
const iso = (ms: number) => new Date(ms).toISOString();
const fakeNow = async () => Date.parse((await sf.admin("POST", "clock", { advanceSeconds: 0 })).now);
const getDeleted = (object: string, start: number, end: number) =>
  sf.api(
    `${V}/sobjects/${object}/deleted/?start=${encodeURIComponent(iso(start))}&end=${encodeURIComponent(iso(end))}`,
  );

describe("recycle bin", () => {
  it("keeps a deleted record for queryAll only, for 15 days, then purges it", async () => {
    const id = await liveLead();
    await sf.admin("DELETE", "records", { object: "Lead", ids: [id] });
    expect(await ids(`SELECT Id FROM Lead WHERE Id = '${id}'`)).toEqual([]);
    expect(await ids(`SELECT Id FROM Lead WHERE Id = '${id}' AND IsDeleted = true`, true)).toEqual([id]);

    await sf.admin("POST", "clock", { advanceSeconds: 14 * DAY });
    await sf.login();
    expect(await ids(`SELECT Id FROM Lead WHERE Id = '${id}'`, true)).toEqual([id]);
    await sf.admin("POST", "clock", { advanceSeconds: 1 * DAY + 60 });
    await sf.login();
    expect(await ids(`SELECT Id FROM Lead WHERE Id = '${id}'`, true)).toEqual([]);
  });

  it("seeds its deleted rows within the bin's 15 days, so they survive the first call", async () => {
    const deleted = await ids("SELECT Id FROM Lead WHERE IsDeleted = true", true);
    expect(deleted.length).toBeGreaterThan(0);
    const stats = await sf.admin("GET", "stats");
    expect(stats.deleted.Lead).toBe(deleted.length);
  });

  it("removes hard-deleted records at once, from queryAll too", async () => {
    const id = await liveLead();
    const res = await sf.admin("DELETE", "records", { object: "Lead", ids: [id], hard: true });
    expect(res).toEqual({ deleted: 1, ids: [id] });
    expect(await ids(`SELECT Id FROM Lead WHERE Id = '${id}'`, true)).toEqual([]);
  });

  it("empties the recycle bin of one object", async () => {
    const id = await liveLead();
    await sf.admin("DELETE", "records", { object: "Lead", ids: [id] });
    const { purged } = await sf.admin("DELETE", "recycle-bin?object=Lead");
    expect(purged).toBeGreaterThan(0);
    expect(await ids("SELECT Id FROM Lead WHERE IsDeleted = true", true)).toEqual([]);
    expect((await ids("SELECT Id FROM Contact WHERE IsDeleted = true", true)).length).toBeGreaterThan(0);
  });
});

describe("getDeleted", () => {
  it("answers deletedRecords, earliestDateAvailable and latestDateCovered", async () => {
    const id = await liveLead();
    await sf.admin("DELETE", "records", { object: "Lead", ids: [id] });
    const now = await fakeNow();
    const res = await getDeleted("Lead", now - 3_600_000, now + 120_000);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["deletedRecords", "earliestDateAvailable", "latestDateCovered"]);
    const mine = res.body.deletedRecords.find((r: Row) => r.id === id);
    expect(mine.deletedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
    // Nothing was ever purged: the log reaches back before the watermark of any sync.
    expect(Date.parse(res.body.earliestDateAvailable.replace("+0000", "Z"))).toBeLessThan(now - 15 * DAY * 1000);
    // latestDateCovered: a whole minute, never after end.
    expect(res.body.latestDateCovered).toMatch(/:00\.000\+0000$/);
  });

  it("moves earliestDateAvailable past a hard delete, an emptied bin and a purge", async () => {
    const before = await fakeNow();
    await sf.admin("DELETE", "records", { object: "Lead", ids: [await liveLead()], hard: true });
    const afterHard = await getDeleted("Lead", before - 3_600_000, before + 120_000);
    expect(Date.parse(afterHard.body.earliestDateAvailable.replace("+0000", "Z"))).toBeGreaterThanOrEqual(
      before - 1000,
    );
    // Other objects are untouched.
    const contacts = await getDeleted("Contact", before - 3_600_000, before + 120_000);
    expect(Date.parse(contacts.body.earliestDateAvailable.replace("+0000", "Z"))).toBeLessThan(before - DAY * 1000);

    const id = (await ids("SELECT Id FROM Contact WHERE IsDeleted = false LIMIT 1"))[0]!;
    await sf.admin("DELETE", "records", { object: "Contact", ids: [id] });
    const deletedAt = await fakeNow();
    await sf.admin("POST", "clock", { advanceSeconds: 16 * DAY });
    await sf.login();
    const now = await fakeNow();
    const purged = await getDeleted("Contact", now - 3_600_000, now);
    expect(Date.parse(purged.body.earliestDateAvailable.replace("+0000", "Z"))).toBeGreaterThanOrEqual(
      deletedAt - 2000,
    );
    expect(purged.body.deletedRecords.map((r: Row) => r.id)).not.toContain(id);
  });

  it("refuses a range of a minute or less, and unreadable dates, with INVALID_REPLICATION_DATE", async () => {
    const now = await fakeNow();
    for (const res of [
      await getDeleted("Lead", now, now + 60_000),
      await getDeleted("Lead", now, now - 3_600_000),
      await sf.api(`${V}/sobjects/Lead/deleted/?start=yesterday&end=${iso(now)}`),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body[0].errorCode).toBe("INVALID_REPLICATION_DATE");
    }
  });
});

describe("conversion and merge", () => {
  it("converts a Lead: a new Contact and Account, the Lead read-only with its Converted* fields", async () => {
    const leadId = await liveLead();
    const res = await sf.admin("POST", "convert-lead", { leadId });
    expect(res).toMatchObject({ leadId, success: true });
    const [lead] = (
      await sf.query(
        `SELECT IsConverted, ConvertedContactId, ConvertedAccountId, ConvertedDate, Email FROM Lead WHERE Id = '${leadId}'`,
      )
    ).body.records;
    expect(lead).toMatchObject({
      IsConverted: true,
      ConvertedContactId: res.contactId,
      ConvertedAccountId: res.accountId,
    });
    expect(lead.ConvertedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const [contact] = (await sf.query(`SELECT Email, AccountId FROM Contact WHERE Id = '${res.contactId}'`)).body
      .records;
    expect(contact).toMatchObject({ Email: lead.Email, AccountId: res.accountId });
    const update = await sf.api(`${V}/sobjects/Lead/${leadId}`, { method: "PATCH", body: { Title: "x" } });
    expect(update.body[0].errorCode).toBe("CANNOT_UPDATE_CONVERTED_LEAD");
  });

  it("merges: the losers are deleted with MasterRecordId, their related records move to the master", async () => {
    const [master, loser] = await ids("SELECT Id FROM Contact WHERE IsDeleted = false ORDER BY Id LIMIT 2");
    const res = await sf.admin("POST", "merge", { object: "Contact", masterId: master, ids: [loser] });
    expect(res).toMatchObject({ id: master, success: true, mergedRecordIds: [loser] });
    const [gone] = (
      await sf.query(`SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Id = '${loser}'`, { all: true })
    ).body.records;
    expect(gone).toMatchObject({ IsDeleted: true, MasterRecordId: master });
    expect(await ids(`SELECT Id FROM OpportunityContactRole WHERE ContactId = '${loser}'`)).toEqual([]);
    const refused = await sf.admin("POST", "merge", { object: "Opportunity", masterId: master, ids: [loser] });
    expect(refused.error).toMatch(/Lead, Contact or Account/);
  });
});

describe("while a sync pages", () => {
  it("deletes records between pages (mutateDuringPaging.deletes); the cursor keeps its snapshot", async () => {
    await sf.admin("POST", "faults", { mutateDuringPaging: { object: "Lead", everyNPages: 1, count: 0, deletes: 5 } });
    const first = await sf.query("SELECT Id FROM Lead ORDER BY SystemModstamp, Id", { batchSize: 200 });
    const before = first.body.totalSize;
    const next = await sf.api(first.body.nextRecordsUrl);
    expect(next.status).toBe(200);
    await sf.admin("DELETE", "faults");
    const live = await ids("SELECT Id FROM Lead");
    expect(live.length).toBeLessThanOrEqual(before - 5);
  });

  it("pages ids only by keyset (WHERE Id > '…' ORDER BY Id), in the order of the ids as text", async () => {
    const all = (await ids("SELECT Id FROM Lead")).sort();
    const seen: string[] = [];
    let after = "";
    for (;;) {
      const where = after ? ` WHERE Id > '${after}'` : "";
      const page = await ids(`SELECT Id FROM Lead${where} ORDER BY Id LIMIT 70`);
      seen.push(...page);
      if (page.length < 70) break;
      after = page.at(-1)!;
    }
    expect(seen).toEqual(all);
  });
});
