import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { bodyOf, call, newWorkspace } from "../../../test/workers/helpers";
import { seedRecords, seedRun } from "../../../test/workers/read-api-seed";
import { errorSchema } from "../common";
import type { runDetailSchema } from "./runs.schemas";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;
type Seeded = Awaited<ReturnType<typeof seedRun>>;

const OBJECTS = [
  ["inbound", "contact", "Lead"],
  ["inbound", "contact", "Contact"],
  ["inbound", "company", "Account"],
  ["inbound", "opportunity", "Opportunity"],
  ["inbound", "opportunity_contact_role", "OpportunityContactRole"],
  ["inbound", "event", "Conversion_Event__c"],
  ["outbound", "contact", "Contact"],
  ["outbound", "company", "Account"],
] as const;
const STATUSES = ["completed", "completed", "failed", "in_progress"] as const;

let a: Ws;
let b: Ws;
const seeded: Seeded[] = [];
let foreign: Seeded;

// 40 runs over ~4 days in workspace A, several sharing one startedAt so that id breaks the tie;
// workspace B holds runs at the same times that must never show up in A's answers.
beforeAll(async () => {
  a = await newWorkspace("Runs A");
  b = await newWorkspace("Runs B");
  for (let i = 0; i < 40; i++) {
    const [direction, objectType, salesforceObject] = OBJECTS[i % OBJECTS.length]!;
    const status = STATUSES[i % STATUSES.length]!;
    const at = new Date(Date.UTC(2026, 10, 25, 8) + Math.floor(i / 3) * 7 * 3_600_000).toISOString();
    const kind = direction === "outbound" ? (i % 5 === 0 ? "retry" : "push") : i < 8 ? "backfill" : "incremental";
    seeded.push(
      await seedRun(a.id, at, {
        direction,
        objectType,
        salesforceObject,
        kind,
        status,
        failureCode: status === "failed" ? (i % 3 ? "api_limit_exceeded" : "authentication_failure") : null,
        failureDetail: status === "failed" ? "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded." : null,
      }),
    );
    if (i % 4 === 0) foreign = await seedRun(b.id, at, { direction, objectType, salesforceObject });
  }
  await seedRecords(a.id, seeded[4]!.id, [
    { status: "success", action: "created" },
    { status: "success", action: "updated" },
    { status: "skipped", reasonCode: "missing_email" },
    { status: "failed", reasonCode: "malformed_data" },
  ]);
});

const newestFirst = (rows: Seeded[]) =>
  [...rows].sort((x, y) => (x.startedAt === y.startedAt ? (x.id < y.id ? 1 : -1) : x.startedAt < y.startedAt ? 1 : -1));

async function list(ws: Ws, query: string) {
  const res = await call(`/api/v1/sync/runs${query}`, { headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { runs: any[]; nextCursor: string | null };
}

/** Follows nextCursor to the end; returns every id in order. */
async function walk(ws: Ws, query: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = query ? "&" : "?";
    const page = await list(ws, `${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.runs.length).toBeLessThanOrEqual(limit);
    ids.push(...page.runs.map((r) => r.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("pagination did not end");
}

describe("GET /api/v1/sync/runs", () => {
  it("lists the workspace's runs newest first, by startedAt then id", async () => {
    const page = await list(a, "?limit=200");
    expect(page.runs.map((r) => r.id)).toEqual(newestFirst(seeded).map((r) => r.id));
    expect(page.nextCursor).toBeNull();
    expect(page.runs.map((r) => r.id)).not.toContain(foreign.id);
  });

  it.each([
    ["?direction=outbound", (r: Seeded) => r.direction === "outbound"],
    ["?objectType=opportunity_contact_role", (r: Seeded) => r.objectType === "opportunity_contact_role"],
    ["?status=failed", (r: Seeded) => r.status === "failed"],
    ["?from=2026-11-27", (r: Seeded) => r.startedAt >= "2026-11-27T00:00:00.000Z"],
    ["?to=2026-11-26", (r: Seeded) => r.startedAt < "2026-11-27T00:00:00.000Z"],
    [
      "?from=2026-11-26T03:00:00Z&to=2026-11-27T17:00:00.000Z",
      (r: Seeded) => r.startedAt >= "2026-11-26T03:00:00.000Z" && r.startedAt <= "2026-11-27T17:00:00.000Z",
    ],
    ["?from=2026-11-26T10:00:00%2B02:00", (r: Seeded) => r.startedAt >= "2026-11-26T08:00:00.000Z"],
    ["?direction=inbound&objectType=contact", (r: Seeded) => r.direction === "inbound" && r.objectType === "contact"],
    [
      "?direction=inbound&status=completed&from=2026-11-26",
      (r: Seeded) => r.direction === "inbound" && r.status === "completed" && r.startedAt >= "2026-11-26",
    ],
    [
      "?direction=outbound&objectType=company&status=in_progress&from=2026-11-25&to=2026-11-28",
      (r: Seeded) =>
        r.direction === "outbound" &&
        r.objectType === "company" &&
        r.status === "in_progress" &&
        r.startedAt < "2026-11-29",
    ],
    // Failures: runs that failed as a whole, and runs with failed records (seeded[4] has one).
    ["?has=failed", (r: Seeded) => r.status === "failed" || r.id === seeded[4]!.id],
    ["?has=skipped", (r: Seeded) => r.id === seeded[4]!.id],
    [
      "?has=failed&direction=inbound&from=2026-11-26",
      (r: Seeded) =>
        (r.status === "failed" || r.id === seeded[4]!.id) && r.direction === "inbound" && r.startedAt >= "2026-11-26",
    ],
    // `to` is inclusive: a run started at exactly that instant is in.
    [
      "?objectType=event&to=2026-11-25T15:00:00.000Z",
      (r: Seeded) => r.objectType === "event" && r.startedAt <= "2026-11-25T15:00:00.000Z",
    ],
  ])("filters %s", async (query, keep) => {
    const expected = newestFirst(seeded.filter(keep)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect((await list(a, `${query}&limit=200`)).runs.map((r) => r.id)).toEqual(expected);
    // And page by page, the same list with no duplicates or gaps.
    expect(await walk(a, query, 3)).toEqual(expected);
  });

  it("pages through everything with no duplicates or gaps, at any page size", async () => {
    const all = newestFirst(seeded).map((r) => r.id);
    for (const limit of [1, 7, 39, 40, 41]) expect(await walk(a, "", limit)).toEqual(all);
    const first = await list(a, "");
    expect(first.runs).toHaveLength(40);
    expect(first.nextCursor).toBeNull();
  });

  it("answers an empty list for a workspace with no runs", async () => {
    const ws = await newWorkspace("Empty");
    expect(await list(ws, "")).toEqual({ runs: [], nextCursor: null });
  });

  it("gives the OpenAPI document's Run shape, with a description and counts from the run", async () => {
    const run = (await list(a, "?limit=200")).runs.find((r) => r.id === seeded[4]!.id);
    expect(Object.keys(run).sort()).toEqual(
      [
        "counts",
        "description",
        "direction",
        "durationMs",
        "failure",
        "finishedAt",
        "id",
        "kind",
        "objectType",
        "progress",
        "salesforceObject",
        "startedAt",
        "status",
      ].sort(),
    );
    expect(run).toMatchObject({
      direction: "inbound",
      objectType: "opportunity_contact_role",
      salesforceObject: "OpportunityContactRole",
      kind: "backfill",
      description: "Synced opportunity contact roles from Salesforce (initial backfill)",
      status: "completed",
      durationMs: 1500,
      counts: { created: 1, updated: 1, deleted: 0, skipped: 1, failed: 1 },
      failure: null,
      progress: null,
    });
  });
});

describe("GET /api/v1/sync/runs/{id}", () => {
  it("answers the run bare, with the failure's message and what to do", async () => {
    const failed = seeded.find((r) => r.failureCode === "api_limit_exceeded")!;
    const res = await call(`/api/v1/sync/runs/${failed.id}`, { headers: a.auth });
    expect(res.status).toBe(200);
    const run = (await res.json()) as z.output<typeof runDetailSchema>;
    expect(run.id).toBe(failed.id);
    expect(run.status).toBe("failed");
    expect(run.failure).toMatchObject({
      code: "api_limit_exceeded",
      message: "API limit exceeded",
      action: "Wait for the limit to reset, and review your usage under Rate limits.",
      detail: "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.",
    });
  });

  it("is a 404 for another workspace's run and for an unknown id, on every run route", async () => {
    for (const path of ["", "/records", "/records.csv"]) {
      for (const id of [foreign.id, "run_nope"]) {
        const res = await call(`/api/v1/sync/runs/${id}${path}`, { headers: a.auth });
        expect(res.status, `${id}${path}`).toBe(404);
        expect((await bodyOf(res, errorSchema)).error.code).toBe("not_found");
      }
    }
    expect((await call(`/api/v1/sync/runs/${foreign.id}`, { headers: b.auth })).status).toBe(200);
  });

  it("needs credentials", async () => {
    expect((await call("/api/v1/sync/runs")).status).toBe(401);
    expect((await call(`/api/v1/sync/runs/${seeded[0]!.id}`)).status).toBe(401);
  });
});
