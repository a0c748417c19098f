import { beforeAll, describe, expect, it } from "vitest";
import { call, env, newWorkspace } from "../../../test/workers/helpers";
import { seedRecords, seedRun, setRecordCreatedAt } from "../../../test/workers/read-api-seed";
import { toSalesforceId18 } from "../../salesforce";

const ID18 = "0035g00000XyZaBAAV";
const ID15 = ID18.slice(0, 15);
const EMAIL = "ada.lovelace@example.com";

let a: Awaited<ReturnType<typeof newWorkspace>>;
let b: Awaited<ReturnType<typeof newWorkspace>>;
const runIds: Record<string, string> = {};

beforeAll(async () => {
  a = await newWorkspace("History A");
  b = await newWorkspace("History B");
  const backfill = await seedRun(a.id, "2026-11-20T08:00:00.000Z", {
    objectType: "contact",
    salesforceObject: "Contact",
    kind: "backfill",
  });
  const incremental = await seedRun(a.id, "2026-11-27T08:00:00.000Z", {
    objectType: "contact",
    salesforceObject: "Contact",
  });
  const push = await seedRun(a.id, "2026-11-28T08:00:00.000Z", {
    direction: "outbound",
    objectType: "contact",
    salesforceObject: "Contact",
    kind: "push",
    status: "failed",
    failureCode: "unknown_error",
  });
  const other = await seedRun(b.id, "2026-11-28T09:00:00.000Z", { objectType: "contact", salesforceObject: "Contact" });
  Object.assign(runIds, { backfill: backfill.id, incremental: incremental.id, push: push.id });
  const mine = { key: ID18, salesforceId: ID18, salesforceObject: "Contact", email: EMAIL, label: "Ada Lovelace" };
  await seedRecords(a.id, backfill.id, [
    { ...mine, key: "r0", status: "success", action: "created" },
    { key: "r1", status: "success", action: "created", salesforceId: "0035g00000Other1AAA" },
  ]);
  await seedRecords(a.id, incremental.id, [
    { ...mine, status: "skipped", reasonCode: "outdated_record", reasonDetail: "A newer version was synced in run x" },
  ]);
  await seedRecords(a.id, push.id, [
    {
      ...mine,
      status: "failed",
      reasonCode: "duplicate_record",
      sfError: { statusCode: "DUPLICATES_DETECTED", message: "Use one of these records?", fields: [] },
    },
  ]);
  // An email-only record (no Salesforce id yet): an outbound create that failed.
  await seedRecords(a.id, push.id, [
    {
      key: "outbox_1",
      status: "failed",
      salesforceId: null,
      email: EMAIL,
      reasonCode: "required_field_missing",
      seq: 2,
    },
  ]);
  await seedRecords(b.id, other.id, [{ ...mine, status: "success", action: "updated" }]);
  await setRecordCreatedAt(backfill.id, "r0", "2026-11-20T08:00:01.000Z");
  await setRecordCreatedAt(incremental.id, ID18, "2026-11-27T08:00:01.000Z");
  await setRecordCreatedAt(push.id, ID18, "2026-11-28T08:00:01.000Z");
  await setRecordCreatedAt(push.id, "outbox_1", "2026-11-28T08:00:01.000Z");
});

async function history(ws: typeof a, query: string) {
  const res = await call(`/api/v1/sync/records${query}`, { headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { records: any[]; nextCursor: string | null };
}

describe("GET /api/v1/sync/records", () => {
  it("finds every run record for an 18-character id, newest first, with its run", async () => {
    const { records, nextCursor } = await history(a, `?salesforceId=${ID18}`);
    expect(nextCursor).toBeNull();
    expect(records.map((r) => r.runId)).toEqual([runIds.push, runIds.incremental, runIds.backfill]);
    expect(records[0]).toMatchObject({
      salesforceId: ID18,
      status: "failed",
      reason: { code: "duplicate_record", message: "Duplicate record" },
      salesforceError: { statusCode: "DUPLICATES_DETECTED" },
      run: {
        id: runIds.push,
        direction: "outbound",
        description: "Pushed contact updates to Salesforce",
        startedAt: "2026-11-28T08:00:00.000Z",
        status: "failed",
      },
    });
    expect(records[1]).toMatchObject({
      reason: { code: "outdated_record", message: "Outdated record", detail: "A newer version was synced in run x" },
      run: { direction: "inbound", description: "Synced contacts from Salesforce" },
    });
    expect(records[2].run.description).toBe("Synced contacts from Salesforce (initial backfill)");
  });

  it("takes the 15-character id and a case-folded 18-character id", async () => {
    const expected = (await history(a, `?salesforceId=${ID18}`)).records.map((r) => r.id);
    expect((await history(a, `?salesforceId=${ID15}`)).records.map((r) => r.id)).toEqual(expected);
    expect((await history(a, `?salesforceId=${ID18.toLowerCase()}`)).records.map((r) => r.id)).toEqual(expected);
  });

  it("finds records by email, whatever its case, including ones without a Salesforce id", async () => {
    const { records } = await history(a, `?email=${encodeURIComponent(" Ada.Lovelace@Example.com ")}`);
    expect(records).toHaveLength(4);
    expect(records.map((r) => r.salesforceId)).toContain(null);
    expect(records.map((r) => r.run.startedAt)).toEqual([...records.map((r) => r.run.startedAt)].sort().reverse());
  });

  it("pages without duplicates or gaps, also through records written in the same millisecond", async () => {
    const all = (await history(a, `?email=${EMAIL}`)).records.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await history(a, `?email=${EMAIL}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it("finds a Conversion record's history: a contact's by its email, a company's by its Salesforce id", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO contacts (id, workspace_id, email, salesforce_id) VALUES ('ct_hist1', ?, ?, ?)").bind(
        a.id,
        EMAIL,
        ID18,
      ),
      env.DB.prepare(
        "INSERT INTO companies (id, workspace_id, name, salesforce_id) VALUES ('co_hist-1', ?, 'Other', '0035g00000Other1AAA')",
      ).bind(a.id),
      env.DB.prepare("INSERT INTO companies (id, workspace_id, name) VALUES ('co_unlinked', ?, 'Never pushed')").bind(
        a.id,
      ),
    ]);
    const byEmail = (await history(a, `?email=${EMAIL}`)).records.map((r) => r.id);
    expect((await history(a, "?conversionId=ct_hist1")).records.map((r) => r.id)).toEqual(byEmail);
    const company = await history(a, "?conversionId=co_hist-1");
    expect(company.records.map((r) => r.salesforceId)).toEqual(["0035g00000Other1AAA"]);
    // Unknown, unlinked, or another workspace's: no history, not an error.
    for (const id of ["ct_nobody", "co_unlinked", "op_nothing", "ev_none", "ocr_none"])
      expect((await history(a, `?conversionId=${id}`)).records).toEqual([]);
    expect((await history(b, "?conversionId=ct_hist1")).records).toEqual([]);
  });

  it("never shows another workspace's records", async () => {
    const mine = await history(a, `?salesforceId=${ID18}`);
    const theirs = await history(b, `?salesforceId=${ID18}`);
    expect(theirs.records).toHaveLength(1);
    expect(mine.records.map((r) => r.id)).not.toContain(theirs.records[0].id);
    expect((await history(b, `?email=nobody@example.com`)).records).toEqual([]);
  });
});

describe("toSalesforceId18", () => {
  it.each([
    ["001A0000006Vm9r", "001A0000006Vm9rIAC"],
    ["a0B000000000001", "a0B000000000001EAA"],
    ["ABCDEABCDEABCDE", "ABCDEABCDEABCDE555"],
    ["abcdeabcdeabcde", "abcdeabcdeabcdeAAA"],
    ["001a0000006vm9riac", "001A0000006Vm9rIAC"],
    ["001A0000006Vm9rIAC", "001A0000006Vm9rIAC"],
  ])("%s → %s", (input, output) => expect(toSalesforceId18(input)).toBe(output));
});
