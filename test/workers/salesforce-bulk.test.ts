// The Worker's Bulk API 2.0 client against the fake org: a job through its states, results read set by
// set along the Sforce-Locator chain as typed records, CSV with quotes, commas, line breaks and nulls,
// failed jobs, and the answers that mean Bulk is not available.
import { beforeEach, describe, expect, inject, it } from "vitest";
import { openSalesforce, SalesforceError, type SalesforceRecord } from "../../worker/salesforce";
import { isBulkUnavailable } from "../../worker/salesforce/bulk";
import { connectWorkspace, fakeCalls, resetFake, setFaults } from "./connect";
import { firstShard, newWorkspace } from "./helpers";

const fake = inject("fakeOrgUrl");
const TYPES = new Map([
  ["isdeleted", "boolean"],
  ["isconverted", "boolean"],
  ["systemmodstamp", "datetime"],
  ["title", "string"],
]);

async function client() {
  const ws = await newWorkspace();
  await connectWorkspace(ws, fake);
  return openSalesforce(firstShard, ws.id);
}

async function untilDone(sf: Awaited<ReturnType<typeof client>>, id: string) {
  for (let i = 0; i < 100; i++) {
    const job = await sf.queryJob(id);
    if (job.state !== "UploadComplete" && job.state !== "InProgress") return { job, polls: i + 1 };
  }
  throw new Error("job never finished");
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${fake}/__fake/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<any>;
}

describe("Bulk API 2.0 client", () => {
  beforeEach(resetFake);

  it("creates a queryAll job, polls it to JobComplete, and reads every record once along the locator chain", async () => {
    const sf = await client();
    await setFaults({ bulk: { pollsUntilComplete: 2 } });
    const created = await sf.createQueryJob("SELECT Id, IsDeleted, IsConverted, SystemModstamp FROM Lead", {
      all: true,
    });
    expect(created.state).toBe("UploadComplete");
    const { job, polls } = await untilDone(sf, created.id);
    expect(job.state).toBe("JobComplete");
    expect(polls).toBe(3);
    const seen = new Map<string, SalesforceRecord>();
    let locator: string | null = null;
    let sets = 0;
    do {
      const set = await sf.queryResults(created.id, { object: "Lead", locator, maxRecords: 400, types: TYPES });
      let n = 0;
      for await (const r of set.records) {
        seen.set(r.Id as string, r);
        n++;
      }
      expect(n).toBe(set.count);
      locator = set.next;
      sets++;
    } while (locator);
    const stats = await admin("GET", "stats");
    expect(seen.size).toBe(stats.counts.Lead + stats.deleted.Lead);
    expect(sets).toBe(Math.ceil(seen.size / 400));
    const deleted = [...seen.values()].filter((r) => r.IsDeleted === true);
    expect(deleted.length).toBe(stats.deleted.Lead);
    const any = [...seen.values()][0]!;
    expect(any).toMatchObject({ attributes: { type: "Lead" }, IsConverted: expect.any(Boolean) });
    expect(any.SystemModstamp).toMatch(/Z$/);
  });

  it("reads quotes, commas and line breaks inside values, and nulls as null", async () => {
    const sf = await client();
    const { ids } = await admin("POST", "records", {
      object: "Lead",
      records: [{ LastName: 'O"Brien, Jr.', Company: "Line one\nline two", Title: null, Email: "q@example.com" }],
    });
    const created = await sf.createQueryJob(
      `SELECT Id, LastName, Company, Title, Email, IsDeleted FROM Lead WHERE Id = '${ids[0]}'`,
      { all: false },
    );
    await untilDone(sf, created.id);
    const set = await sf.queryResults(created.id, { object: "Lead", locator: null, maxRecords: 10, types: TYPES });
    const records: SalesforceRecord[] = [];
    for await (const r of set.records) records.push(r);
    expect(records).toEqual([
      {
        attributes: { type: "Lead" },
        Id: ids[0],
        LastName: 'O"Brien, Jr.',
        Company: "Line one\nline two",
        Title: null,
        Email: "q@example.com",
        IsDeleted: false,
      },
    ]);
    expect(set.next).toBeNull();
  });

  it("a failed job carries Salesforce's message; an unsupported object or an org without Bulk is 'unavailable'", async () => {
    const sf = await client();
    await setFaults({ bulk: { failJobs: 1, failMessage: "InternalServerError : retry" } });
    const failed = await sf.createQueryJob("SELECT Id FROM Lead", { all: true });
    const { job } = await untilDone(sf, failed.id);
    expect(job).toMatchObject({ state: "Failed", errorMessage: "InternalServerError : retry" });

    await setFaults({ bulk: { unsupported: ["Lead"] } });
    const unsupported = await sf.createQueryJob("SELECT Id FROM Lead", { all: true }).catch((e: unknown) => e);
    expect(unsupported).toBeInstanceOf(SalesforceError);
    expect(isBulkUnavailable(unsupported)).toBe(true);

    await setFaults({ bulk: { unsupported: [], disabled: true } });
    const disabled = await sf.createQueryJob("SELECT Id FROM Lead", { all: true }).catch((e: unknown) => e);
    expect(isBulkUnavailable(disabled)).toBe(true);

    // A bad query is our mistake, not Bulk being unavailable.
    await setFaults({ bulk: { disabled: false } });
    const bad = await sf.createQueryJob("SELECT Nope__c FROM Lead", { all: true }).catch((e: unknown) => e);
    expect(isBulkUnavailable(bad)).toBe(false);
  });

  it("aborts and deletes jobs, each one API call", async () => {
    const sf = await client();
    await setFaults({ bulk: { pollsUntilComplete: 10 } });
    const job = await sf.createQueryJob("SELECT Id FROM Lead", { all: true });
    const before = (await fakeCalls()).length;
    await sf.abortQueryJob(job.id);
    expect((await sf.queryJob(job.id)).state).toBe("Aborted");
    await sf.deleteQueryJob(job.id);
    const kinds = (await fakeCalls()).slice(before).map((c) => c.kind);
    expect(kinds).toEqual(["bulkAbort", "bulkJob", "bulkDelete"]);
    expect(sf.calls).toBeGreaterThanOrEqual(4);
  });

  it("a concurrent-request refusal is transient, the daily limit is not", async () => {
    const sf = await client();
    await setFaults({ latencyModel: { callMs: 0, longRunningLimit: 0, longRunningMs: 0 } });
    const busy = await sf.limits().catch((e: unknown) => e as SalesforceError);
    expect(busy).toMatchObject({ failureCode: "api_limit_exceeded", transient: true });
    await setFaults({ latencyModel: null, limitReached: true });
    const spent = await sf.limits().catch((e: unknown) => e as SalesforceError);
    expect(spent).toMatchObject({ failureCode: "api_limit_exceeded", transient: false });
  });
});
