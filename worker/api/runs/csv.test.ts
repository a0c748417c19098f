import { beforeAll, describe, expect, it } from "vitest";
import { call, env, newWorkspace } from "../../../test/workers/helpers";
import { seedManyRecords, seedRecords, seedRun } from "../../../test/workers/read-api-seed";
import { dbOver } from "../../db";
import { CSV_CHUNK, csvCell, recordsCsvStream } from "./runs.csv";

/** A strict RFC 4180 reader, so the test checks the bytes rather than trusting our own writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (cell += ch), i++;
    } else if (ch === '"' && cell === "") (quoted = true), i++;
    else if (ch === ",") row.push(cell), (cell = ""), i++;
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), (i += 2);
    else if (ch === '"' || ch === "\r" || ch === "\n") throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    else (cell += ch), i++;
  }
  if (cell !== "" || row.length) throw new Error("last row lacks CRLF");
  return rows;
}

const HEADER = [
  "id",
  "salesforceId",
  "salesforceObject",
  "conversionId",
  "label",
  "action",
  "status",
  "reasonCode",
  "reasonMessage",
  "explanation",
  "salesforceStatusCode",
  "salesforceMessage",
  "externalCreatedAt",
  "externalUpdatedAt",
  "changes",
];

let ws: Awaited<ReturnType<typeof newWorkspace>>;
let runId: string;

beforeAll(async () => {
  ws = await newWorkspace("CSV");
  runId = (
    await seedRun(ws.id, "2026-11-28T10:00:00.000Z", {
      direction: "outbound",
      objectType: "company",
      salesforceObject: "Account",
      kind: "push",
    })
  ).id;
  await seedRecords(
    ws.id,
    runId,
    [
      {
        status: "success",
        action: "updated",
        label: "Acme, Inc.",
        changes: [
          { field: "industry", from: "Retail", to: "Software" },
          { field: "domain", from: null, to: "acme.com" },
        ],
      },
      { status: "success", action: "created", label: 'The "Best" Co\r\nLine two' },
      {
        status: "failed",
        label: '=HYPERLINK("http://evil","x")',
        reasonCode: "field_length_exceeded",
        sfError: { statusCode: "STRING_TOO_LONG", message: "Name: data value too large: 300 chars", fields: ["Name"] },
      },
      { status: "skipped", label: "+1 555 0100", reasonCode: "object_write_disabled" },
      { status: "success", label: "-2+3", action: "deleted", conversionId: "@SUM(A1)" },
      { status: "success", label: "@import" },
      { status: "success", label: "\tTabbed" },
    ],
    "Account",
  );
});

describe("GET /api/v1/sync/runs/{id}/records.csv", () => {
  it("answers CSV as an attachment named after the run", async () => {
    const res = await call(`/api/v1/sync/runs/${runId}/records.csv`, { headers: ws.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="run-${runId}.csv"`);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(8);
    expect(rows.slice(1).every((r) => r.length === HEADER.length)).toBe(true);
  });

  it("quotes commas, quotes and line breaks, and defuses formulas", async () => {
    const rows = parseCsv(await (await call(`/api/v1/sync/runs/${runId}/records.csv`, { headers: ws.auth })).text());
    const col = (name: string) => rows.slice(1).map((r) => r[HEADER.indexOf(name)]);
    expect(col("label")).toEqual([
      "Acme, Inc.",
      'The "Best" Co\r\nLine two',
      '\'=HYPERLINK("http://evil","x")',
      "'+1 555 0100",
      "'-2+3",
      "'@import",
      "'\tTabbed",
    ]);
    expect(col("conversionId")[4]).toBe("'@SUM(A1)");
    const failed = rows[3]!;
    expect(failed[HEADER.indexOf("status")]).toBe("failed");
    expect(failed[HEADER.indexOf("reasonCode")]).toBe("field_length_exceeded");
    expect(failed[HEADER.indexOf("reasonMessage")]).toBe("Field length exceeded");
    expect(failed[HEADER.indexOf("explanation")]).toBe("A field value is longer than the Salesforce field allows.");
    expect(failed[HEADER.indexOf("salesforceStatusCode")]).toBe("STRING_TOO_LONG");
    expect(failed[HEADER.indexOf("salesforceMessage")]).toBe("Name: data value too large: 300 chars");
    expect(rows[1]![HEADER.indexOf("changes")]).toBe("industry: Retail → Software; domain: (empty) → acme.com");
    expect(rows[1]![HEADER.indexOf("externalUpdatedAt")]).toBe("2026-11-28T09:00:00.000Z");
    expect(rows[4]![HEADER.indexOf("reasonMessage")]).toBe("Object write disabled");
  });

  it("streams a 50,000-record run in full and in order", async () => {
    const big = await seedRun(ws.id, "2026-11-28T12:00:00.000Z", { kind: "backfill" });
    await seedManyRecords(ws.id, big.id, 50_000);
    const res = await call(`/api/v1/sync/runs/${big.id}/records.csv`, { headers: ws.auth });
    expect(res.status).toBe(200);
    expect(res.body).toBeInstanceOf(ReadableStream);
    const text = await res.text();
    const lines = text.split("\r\n");
    expect(lines).toHaveLength(50_002);
    expect(lines.at(-1)).toBe("");
    const ids = lines.slice(1, -1).map((l) => l.slice(0, l.indexOf(",")));
    expect(ids[0]).toBe(`${big.id}:1`);
    expect(ids[999]).toBe(`${big.id}:1000`);
    expect(ids[1000]).toBe(`${big.id}:1001`);
    expect(ids[49_999]).toBe(`${big.id}:50000`);
    expect(new Set(ids).size).toBe(50_000);
    expect(lines[10]).toContain(",skipped,missing_email,Missing email address,");

    // Straight from the stream: the header, then one chunk per 1,000-record read.
    const reader = recordsCsvStream(dbOver(env.DB), ws.id, {
      id: big.id,
      direction: "inbound",
      salesforceObject: "Lead",
    }).getReader();
    const decoder = new TextDecoder();
    const chunkLines: number[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read())
      chunkLines.push(decoder.decode(r.value).split("\r\n").length - 1);
    expect(chunkLines).toEqual([1, ...Array(50).fill(CSV_CHUNK)]);
  });

  it("honours the records list's status filter: the same records, in the same order", async () => {
    for (const status of ["success", "skipped", "failed"] as const) {
      const res = await call(`/api/v1/sync/runs/${runId}/records.csv?status=${status}`, { headers: ws.auth });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="run-${runId}-${status}.csv"`);
      const rows = parseCsv(await res.text());
      expect(rows[0]).toEqual(HEADER);
      const list = (await (
        await call(`/api/v1/sync/runs/${runId}/records?status=${status}&limit=200`, { headers: ws.auth })
      ).json()) as {
        records: { id: string }[];
      };
      expect(list.records.length).toBeGreaterThan(0);
      expect(rows.slice(1).map((r) => r[HEADER.indexOf("id")])).toEqual(list.records.map((r) => r.id));
      expect(new Set(rows.slice(1).map((r) => r[HEADER.indexOf("status")]))).toEqual(new Set([status]));
    }
    const bad = await call(`/api/v1/sync/runs/${runId}/records.csv?status=completed`, { headers: ws.auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("'status'");
  });

  it("answers just the header for a run without records", async () => {
    const empty = await seedRun(ws.id, "2026-11-28T13:00:00.000Z");
    const text = await (await call(`/api/v1/sync/runs/${empty.id}/records.csv`, { headers: ws.auth })).text();
    expect(text).toBe(`${HEADER.join(",")}\r\n`);
  });
});

describe("csvCell", () => {
  it.each([
    [null, ""],
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["=1+1", "'=1+1"],
    ["=A1,B1", `"'=A1,B1"`],
    ["-", "'-"],
    ["2026-11-28T09:00:00.000Z", "2026-11-28T09:00:00.000Z"],
    ["a=b", "a=b"],
  ])("%j → %s", (input, output) => expect(csvCell(input)).toBe(output));
});
