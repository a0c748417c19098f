// Bulk API 2.0 query jobs in the fake org (job states, results by Sforce-Locator, CSV quoting and
// nulls, failed and aborted jobs), the latency model, and the concurrent long-running request limit.
import { Connection } from "jsforce";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

let org: FakeOrg;
let sf: FakeClient;
const V = "/services/data/v62.0";

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 11, counts: { Lead: 5000 } });
  sf = createFakeClient(org.url);
});
afterAll(async () => {
  await org?.stop();
});
beforeEach(async () => {
  await sf.admin("POST", "reset", { seed: 11, counts: { Lead: 5000 } });
  await sf.login();
});

/** A raw call that keeps the body as text (results are CSV). */
async function raw(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const token = init.token ?? (await sf.login());
  const res = await fetch(`${org.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function createJob(query: string, operation = "queryAll", extra: Record<string, unknown> = {}) {
  return sf.api(`${V}/jobs/query`, { method: "POST", body: { operation, query, ...extra } });
}

async function untilComplete(id: string, max = 50): Promise<{ polls: number; info: any }> {
  for (let polls = 1; polls <= max; polls++) {
    const res = await sf.api(`${V}/jobs/query/${id}`);
    expect(res.status).toBe(200);
    if (!["UploadComplete", "InProgress"].includes(res.body.state)) return { polls, info: res.body };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("job never finished");
}

/** Splits CSV text into rows of cells; null for an empty unquoted cell, "" for "". */
function parseCsv(text: string, eol = "\n"): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: string | null;
    if (text[i] === '"') {
      let out = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        out += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          out += '"';
          i++;
        } else break;
      }
      cell = out;
    } else {
      let end = i;
      while (end < text.length && text[end] !== "," && !text.startsWith(eol, end)) end++;
      cell = end === i ? null : text.slice(i, end);
      i = end;
    }
    row.push(cell);
    if (text[i] === ",") i++;
    else {
      rows.push(row);
      row = [];
      i += eol.length;
    }
  }
  return rows;
}

describe("Bulk API 2.0 query jobs", () => {
  it("creates a job UploadComplete, answers InProgress for as many polls as asked, then JobComplete", async () => {
    await sf.admin("POST", "faults", { bulk: { pollsUntilComplete: 3 } });
    const created = await createJob("SELECT Id, Email FROM Lead");
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      operation: "queryAll",
      object: "Lead",
      state: "UploadComplete",
      contentType: "CSV",
      apiVersion: 62,
      lineEnding: "LF",
      columnDelimiter: "COMMA",
      concurrencyMode: "Parallel",
    });
    expect(created.body.id).toMatch(/^750[A-Za-z0-9]{15}$/);
    const { polls, info } = await untilComplete(created.body.id);
    expect(polls).toBe(4);
    expect(info).toMatchObject({
      state: "JobComplete",
      jobType: "V2Query",
      numberRecordsProcessed: expect.any(Number),
    });
    const stats = await sf.admin("GET", "stats");
    expect(info.numberRecordsProcessed).toBe(stats.counts.Lead + stats.deleted.Lead);
  });

  it("pages results by maxRecords along the Sforce-Locator chain, every record once, header on each page", async () => {
    const { body: job } = await createJob("SELECT Id, LastName, IsDeleted FROM Lead");
    await untilComplete(job.id);
    const seen = new Set<string>();
    let locator: string | null = null;
    const counts: number[] = [];
    do {
      const res = await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1500${locator ? `&locator=${locator}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      const rows = parseCsv(res.text);
      expect(rows[0]).toEqual(["Id", "LastName", "IsDeleted"]);
      expect(rows.length - 1).toBe(Number(res.headers.get("sforce-numberofrecords")));
      counts.push(rows.length - 1);
      for (const r of rows.slice(1)) {
        expect(seen.has(r[0]!)).toBe(false);
        seen.add(r[0]!);
      }
      locator = res.headers.get("sforce-locator");
      expect(locator).not.toBeNull();
      if (locator === "null") locator = null;
    } while (locator);
    const stats = await sf.admin("GET", "stats");
    const total = stats.counts.Lead + stats.deleted.Lead;
    expect(seen.size).toBe(total);
    expect(counts.slice(0, -1).every((n) => n === 1500)).toBe(true);
    expect(counts.length).toBe(Math.ceil(total / 1500));
    // A locator can be read again: the same set of results.
    const again = await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1500&locator=MTUwMA`);
    expect(parseCsv(again.text)[1]![0]).toBe([...seen][1500]);
  });

  it("a download cut short (cutResultsAfter) sends fewer rows than Sforce-NumberOfRecords; the locator reads the whole set again", async () => {
    const { body: job } = await createJob("SELECT Id FROM Lead");
    await untilComplete(job.id);
    await sf.admin("POST", "faults", { bulk: { cutResultsAfter: 700 } });
    const cut = await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1500`);
    expect(cut.status).toBe(200);
    expect(cut.headers.get("sforce-numberofrecords")).toBe("1500");
    expect(parseCsv(cut.text).length - 1).toBe(700);
    // The fault is spent: the same set again is whole, and starts with the same rows.
    const whole = await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1500`);
    const rows = parseCsv(whole.text);
    expect(rows.length - 1).toBe(1500);
    expect(rows.slice(0, 701)).toEqual(parseCsv(cut.text));
  });

  it("a job deleted, or 7 days old on the org's clock, is gone: status and results (every locator) answer 404", async () => {
    const { body: job } = await createJob("SELECT Id FROM Lead");
    await untilComplete(job.id);
    const next = (await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1000`)).headers.get("sforce-locator");
    expect((await sf.api(`${V}/jobs/query/${job.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await sf.api(`${V}/jobs/query/${job.id}`)).status).toBe(404);
    expect((await raw(`${V}/jobs/query/${job.id}/results?maxRecords=1000&locator=${next}`)).status).toBe(404);

    const { body: old } = await createJob("SELECT Id FROM Lead");
    await untilComplete(old.id);
    await sf.admin("POST", "clock", { advanceSeconds: 6 * 86_400 });
    await sf.login();
    expect((await raw(`${V}/jobs/query/${old.id}/results?maxRecords=1000`)).status).toBe(200);
    await sf.admin("POST", "clock", { advanceSeconds: 86_400 });
    await sf.login();
    expect((await sf.api(`${V}/jobs/query/${old.id}`)).status).toBe(404);
    expect((await raw(`${V}/jobs/query/${old.id}/results?maxRecords=1000`)).status).toBe(404);
    const listed = await sf.api(`${V}/jobs/query`);
    expect(listed.body.records.map((j: { id: string }) => j.id)).not.toContain(old.id);
  });

  it("quotes every value (commas, quotes, newlines inside) and writes a null as an empty unquoted field", async () => {
    const { ids } = await sf.admin("POST", "records", {
      object: "Lead",
      records: [
        { LastName: 'O"Brien, Jr.', Company: "Line one\nline two", Title: null, Email: "q@example.com" },
        { LastName: "Plain", Company: "", Title: "Boss", Email: null },
      ],
    });
    const { body: job } = await createJob(
      `SELECT Id, LastName, Company, Title, Email, IsDeleted, SystemModstamp FROM Lead WHERE Id IN ('${ids[0]}', '${ids[1]}')`,
    );
    await untilComplete(job.id);
    const res = await raw(`${V}/jobs/query/${job.id}/results`);
    expect(res.text).toContain('"O""Brien, Jr.","Line one\nline two",,"q@example.com","false","');
    const rows = parseCsv(res.text);
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(byId.get(ids[0])).toEqual([
      ids[0],
      'O"Brien, Jr.',
      "Line one\nline two",
      null,
      "q@example.com",
      "false",
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
    ]);
    // Salesforce keeps no empty text: "" saved is a null.
    expect(byId.get(ids[1])!.slice(1, 5)).toEqual(["Plain", null, "Boss", null]);
  });

  it("writes the delimiter and line ending the job asked for", async () => {
    const { body: job } = await createJob("SELECT Id, LastName FROM Lead", "query", {
      columnDelimiter: "PIPE",
      lineEnding: "CRLF",
    });
    await untilComplete(job.id);
    const res = await raw(`${V}/jobs/query/${job.id}/results?maxRecords=2`);
    expect(res.text).toMatch(/^"Id"\|"LastName"\r\n"00Q[^"]+"\|"[^"]*"\r\n"00Q[^"]+"\|"[^"]*"\r\n$/);
  });

  it("query leaves deleted rows out; queryAll brings them with IsDeleted", async () => {
    const stats = await sf.admin("GET", "stats");
    for (const [operation, expected] of [
      ["query", stats.counts.Lead],
      ["queryAll", stats.counts.Lead + stats.deleted.Lead],
    ] as const) {
      const { body: job } = await createJob("SELECT Id, IsDeleted FROM Lead", operation);
      const { info } = await untilComplete(job.id);
      expect(info.numberRecordsProcessed).toBe(expected);
    }
  });

  it("a failed job says why, has no results, and can be deleted", async () => {
    await sf.admin("POST", "faults", { bulk: { failJobs: 1, failMessage: "InvalidBatch : Failed to process query" } });
    const { body: job } = await createJob("SELECT Id FROM Lead");
    const { info } = await untilComplete(job.id);
    expect(info).toMatchObject({ state: "Failed", errorMessage: "InvalidBatch : Failed to process query" });
    const res = await sf.api(`${V}/jobs/query/${job.id}/results`);
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe("INVALIDJOB");
    expect((await sf.api(`${V}/jobs/query/${job.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await sf.api(`${V}/jobs/query/${job.id}`)).status).toBe(404);
    // The next job is fine again.
    const { body: next } = await createJob("SELECT Id FROM Lead");
    expect((await untilComplete(next.id)).info.state).toBe("JobComplete");
  });

  it("aborts: by the caller (PATCH state Aborted) or by someone in the org", async () => {
    await sf.admin("POST", "faults", { bulk: { pollsUntilComplete: 5 } });
    const { body: job } = await createJob("SELECT Id FROM Lead");
    const aborted = await sf.api(`${V}/jobs/query/${job.id}`, { method: "PATCH", body: { state: "Aborted" } });
    expect(aborted.body.state).toBe("Aborted");
    expect((await sf.api(`${V}/jobs/query/${job.id}`)).body.state).toBe("Aborted");
    expect((await sf.api(`${V}/jobs/query/${job.id}/results`)).status).toBe(400);
    await sf.admin("POST", "faults", { bulk: { abortJobs: 1, pollsUntilComplete: 0 } });
    const { body: other } = await createJob("SELECT Id FROM Lead");
    expect((await untilComplete(other.id)).info.state).toBe("Aborted");
  });

  it("refuses what Bulk API 2.0 does not do: COUNT(), OFFSET, unsupported objects, old versions, bad input", async () => {
    expect((await createJob("SELECT COUNT() FROM Lead")).status).toBe(400);
    expect((await createJob("SELECT Id FROM Lead LIMIT 10 OFFSET 5")).status).toBe(400);
    const bad = await createJob("SELECT Nope__c FROM Lead");
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe("INVALID_FIELD");
    expect((await createJob("SELECT Id FROM Lead", "delete")).status).toBe(400);
    await sf.admin("POST", "faults", { bulk: { unsupported: ["OpportunityContactRole"] } });
    const unsupported = await createJob("SELECT Id FROM OpportunityContactRole");
    expect(unsupported.status).toBe(400);
    expect(unsupported.body[0]).toEqual({
      errorCode: "INVALIDENTITY",
      message: "Entity 'OpportunityContactRole' is not supported by the Bulk API.",
    });
    expect(
      (
        await sf.api("/services/data/v46.0/jobs/query", {
          method: "POST",
          body: { operation: "query", query: "SELECT Id FROM Lead" },
        })
      ).status,
    ).toBe(404);
    await sf.admin("POST", "faults", { bulk: { disabled: true } });
    const off = await createJob("SELECT Id FROM Lead");
    expect(off.status).toBe(404);
    expect(off.body[0].errorCode).toBe("NOT_FOUND");
  });

  it("counts every Bulk request as an API call and each job against DailyBulkV2QueryJobs", async () => {
    const before = (await sf.api(`${V}/limits`)).body;
    const { body: job } = await createJob("SELECT Id FROM Lead");
    await untilComplete(job.id);
    await raw(`${V}/jobs/query/${job.id}/results`);
    const after = (await sf.api(`${V}/limits`)).body;
    expect(before.DailyBulkV2QueryJobs.Max - after.DailyBulkV2QueryJobs.Remaining).toBe(1);
    // limits + create + ≥1 poll + results + limits
    expect(before.DailyApiRequests.Remaining - after.DailyApiRequests.Remaining).toBeGreaterThanOrEqual(4);
    const calls = (await sf.admin("GET", "calls")) as { kind: string }[];
    expect(calls.map((c) => c.kind)).toEqual(expect.arrayContaining(["bulkCreate", "bulkJob", "bulkResults"]));
  });

  it("is what jsforce's Bulk API 2.0 client expects", async () => {
    const token = await sf.login();
    const conn = new Connection({ instanceUrl: org.url, accessToken: token, version: "62.0" });
    conn.bulk2.pollInterval = 20;
    const records = await (
      await conn.bulk2.query("SELECT Id, LastName, IsDeleted FROM Lead", { scanAll: true })
    ).toArray();
    const stats = await sf.admin("GET", "stats");
    expect(records.length).toBe(stats.counts.Lead + stats.deleted.Lead);
    expect(records[0]).toHaveProperty("Id");
  });
});

describe("the latency model", () => {
  it("a REST page of 2,000 Leads takes about a second; a smaller page less", async () => {
    await sf.admin("POST", "faults", { latencyModel: true });
    const t0 = Date.now();
    const page = await sf.query(
      "SELECT Id, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted, Email, FirstName, LastName, Company, Title, Phone, LeadSource, IsConverted, ConvertedContactId, MasterRecordId, Status FROM Lead",
    );
    const big = Date.now() - t0;
    expect(page.body.records.length).toBe(2000);
    expect(big).toBeGreaterThanOrEqual(900);
    expect(big).toBeLessThan(3000);
    const t1 = Date.now();
    await sf.query("SELECT Id FROM Lead LIMIT 200");
    expect(Date.now() - t1).toBeLessThan(big / 2);
  });

  it("a Bulk job is JobComplete only after the model's time, and results stream at its rate", async () => {
    await sf.admin("POST", "faults", {
      latencyModel: { callMs: 0, bulkJobMs: 600, bulkJobPerRecordUs: 0, bulkBytesPerSecond: 200_000 },
    });
    const t0 = Date.now();
    const { body: job } = await createJob("SELECT Id, LastName, Email, Title, Company FROM Lead");
    expect((await sf.api(`${V}/jobs/query/${job.id}`)).body.state).toBe("InProgress");
    await untilComplete(job.id, 500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    const t1 = Date.now();
    const res = await raw(`${V}/jobs/query/${job.id}/results`);
    const ms = Date.now() - t1;
    const bytes = new TextEncoder().encode(res.text).length;
    expect(ms).toBeGreaterThanOrEqual((bytes / 200_000) * 1000 * 0.9);
  });

  it("refuses new requests while too many have run 20 s or longer (here: 1 for 200 ms)", async () => {
    await sf.admin("POST", "faults", {
      latencyModel: { callMs: 0, bulkJobMs: 0, longRunningLimit: 1, longRunningMs: 200, bulkBytesPerSecond: 100_000 },
    });
    const { body: job } = await createJob("SELECT Id, LastName, Email, Title, Company FROM Lead");
    await untilComplete(job.id);
    const slow = raw(`${V}/jobs/query/${job.id}/results`);
    await new Promise((r) => setTimeout(r, 400));
    const refused = await sf.api(`${V}/limits`);
    expect(refused.status).toBe(403);
    expect(refused.body[0]).toEqual({
      errorCode: "REQUEST_LIMIT_EXCEEDED",
      message: "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
    });
    expect((await slow).status).toBe(200);
    expect((await sf.api(`${V}/limits`)).status).toBe(200);
  });
});
