import { beforeAll, describe, expect, it } from "vitest";
import { bodyOf, call, newWorkspace } from "../../../test/workers/helpers";
import { seedRecords, seedRun } from "../../../test/workers/read-api-seed";
import { errorSchema } from "../common";
import { encodeCursor } from "../cursor";
import { recordListSchema, runListSchema } from "./runs.schemas";

let ws: Awaited<ReturnType<typeof newWorkspace>>;
let runId: string;
let recordsCursor: string;
let runsCursor: string;

beforeAll(async () => {
  ws = await newWorkspace("Params");
  const first = await seedRun(ws.id, "2026-11-28T10:00:00.000Z");
  await seedRun(ws.id, "2026-11-28T11:00:00.000Z");
  runId = first.id;
  await seedRecords(ws.id, runId, [{ status: "success" }, { status: "skipped", reasonCode: "missing_email" }]);
  runsCursor = (await bodyOf(await call("/api/v1/sync/runs?limit=1", { headers: ws.auth }), runListSchema)).nextCursor!;
  recordsCursor = (
    await bodyOf(await call(`/api/v1/sync/runs/${runId}/records?limit=1`, { headers: ws.auth }), recordListSchema)
  ).nextCursor!;
  expect(runsCursor).toBeTruthy();
  expect(recordsCursor).toBeTruthy();
});

const tampered = (cursor: string) => cursor.slice(0, -3) + (cursor.endsWith("A") ? "BBB" : "AAA");

// Every bad query parameter is a 400 whose message names the field, never a 500.
const cases: [string, string, () => string][] = [
  ["runs", "direction", () => "/sync/runs?direction=sideways"],
  ["runs", "direction", () => "/sync/runs?direction=inbound&direction=outbound"],
  ["runs", "objectType", () => "/sync/runs?objectType=lead"],
  ["runs", "status", () => "/sync/runs?status=success"],
  ["runs", "from", () => "/sync/runs?from=yesterday"],
  ["runs", "from", () => "/sync/runs?from=1"],
  ["runs", "to", () => "/sync/runs?to=2026-02-31"],
  ["runs", "to", () => "/sync/runs?to=2026-11-29T25:00:00Z"],
  ["runs", "from", () => "/sync/runs?from=2026-11-29&to=2026-11-28"],
  ["runs", "from", () => "/sync/runs?from=2026-11-28T10:00:00.001Z&to=2026-11-28T10:00:00.000Z"],
  ["runs", "limit", () => "/sync/runs?limit=0"],
  ["runs", "limit", () => "/sync/runs?limit=201"],
  ["runs", "limit", () => "/sync/runs?limit=ten"],
  ["runs", "limit", () => "/sync/runs?limit=2.5"],
  ["runs", "cursor", () => "/sync/runs?cursor=garbage!"],
  ["runs", "cursor", () => "/sync/runs?cursor=bm90IGpzb24"],
  ["runs", "cursor", () => `/sync/runs?cursor=${tampered(runsCursor)}`],
  ["runs", "cursor", () => `/sync/runs?cursor=${encodeCursor("runs", [1, 2])}`],
  ["runs", "cursor", () => `/sync/runs?cursor=${recordsCursor}`],
  ["runs", "cursor", () => `/sync/runs?cursor=${"A".repeat(600)}`],
  ["records", "status", () => `/sync/runs/${runId}/records?status=completed`],
  ["records", "limit", () => `/sync/runs/${runId}/records?limit=-1`],
  ["records", "cursor", () => `/sync/runs/${runId}/records?cursor=${runsCursor}`],
  ["records", "cursor", () => `/sync/runs/${runId}/records?cursor=${encodeCursor("records", [1.5, 2])}`],
  ["history", "salesforceId", () => "/sync/records"],
  ["history", "salesforceId", () => "/sync/records?salesforceId=00Q5g00000AbCdE&email=a@example.com"],
  ["history", "salesforceId", () => "/sync/records?salesforceId=00Q5g00000AbCd"],
  ["history", "salesforceId", () => "/sync/records?salesforceId=00Q5g00000AbCdE'--"],
  ["history", "email", () => "/sync/records?email="],
  ["history", "email", () => `/sync/records?email=${"a".repeat(330)}@example.com`],
  ["history", "cursor", () => `/sync/records?email=a@example.com&cursor=${recordsCursor}`],
  ["history", "limit", () => "/sync/records?email=a@example.com&limit=1000"],
];

describe("bad query parameters", () => {
  it.each(cases)("%s: %s", async (_list, field, path) => {
    const res = await call(`/api/v1${path()}`, { headers: ws.auth });
    expect(res.status, await res.clone().text()).toBe(400);
    const body = await bodyOf(res, errorSchema);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain(`'${field}'`);
  });

  it("accepts the cursors it gave out", async () => {
    expect((await call(`/api/v1/sync/runs?limit=1&cursor=${runsCursor}`, { headers: ws.auth })).status).toBe(200);
    expect(
      (await call(`/api/v1/sync/runs/${runId}/records?limit=1&cursor=${recordsCursor}`, { headers: ws.auth })).status,
    ).toBe(200);
  });

  it("takes a date as a whole day", async () => {
    const res = await call("/api/v1/sync/runs?from=2026-11-28&to=2026-11-28", { headers: ws.auth });
    expect(res.status).toBe(200);
    expect((await bodyOf(res, runListSchema)).runs).toHaveLength(2);
  });

  it("answers a parameter it does not know with a 400 naming it, instead of ignoring it", async () => {
    const res = await call("/api/v1/sync/runs?tab=all&from=2026-11-28", { headers: ws.auth });
    expect(res.status).toBe(400);
    expect(((await bodyOf(res, errorSchema)).error.details as { issues: { field: string }[] }).issues[0]!.field).toBe(
      "tab",
    );
  });
});
