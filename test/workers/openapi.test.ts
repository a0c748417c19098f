import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/api";
import { call } from "./helpers";

// The API's endpoint table (README "The API"). A route the app serves must appear in the generated document with its
// method; routes not written yet are skipped, so this test grows with the app instead of lagging it.
const API_MD: [method: string, path: string][] = [
  ["post", "/api/v1/admin/workspaces"],
  ["post", "/api/v1/sessions"],
  ["get", "/api/v1/connection"],
  ["post", "/api/v1/connection/authorize"],
  ["get", "/oauth/salesforce/callback"],
  ["delete", "/api/v1/connection"],
  ["get", "/api/v1/settings"],
  ["patch", "/api/v1/settings"],
  ["post", "/api/v1/sync/inbound"],
  ["get", "/api/v1/sync/runs"],
  ["get", "/api/v1/sync/runs/{id}"],
  ["get", "/api/v1/sync/runs/{id}/records"],
  ["get", "/api/v1/sync/runs/{id}/records.csv"],
  ["post", "/api/v1/sync/runs/{id}/retry"],
  ["get", "/api/v1/sync/health"],
  ["get", "/api/v1/sync/records"],
  ["get", "/api/v1/contacts"],
  ["post", "/api/v1/contacts"],
  ["get", "/api/v1/contacts/{id}"],
  ["patch", "/api/v1/contacts/{id}"],
  ["delete", "/api/v1/contacts/{id}"],
  ["get", "/api/v1/companies"],
  ["post", "/api/v1/companies"],
  ["get", "/api/v1/companies/{id}"],
  ["patch", "/api/v1/companies/{id}"],
  ["delete", "/api/v1/companies/{id}"],
  ["get", "/api/v1/opportunities"],
  ["get", "/api/v1/events"],
];

// The read API this suite guards by name, whether or not the table-driven check finds it.
const SYNC_ACTIVITY = API_MD.filter(([, p]) => /\/sync\/(runs|health|records)/.test(p) && !p.endsWith("/retry"));

const RUN_FIELDS = [
  "id",
  "direction",
  "objectType",
  "salesforceObject",
  "kind",
  "description",
  "status",
  "startedAt",
  "finishedAt",
  "durationMs",
  "counts",
  "failure",
];
const RECORD_FIELDS = [
  "id",
  "runId",
  "salesforceId",
  "salesforceObject",
  "conversionId",
  "label",
  "action",
  "status",
  "reason",
  "salesforceError",
  "externalCreatedAt",
  "externalUpdatedAt",
  "changes",
];

let doc: any;
const served = new Set(
  createApp()
    .routes.filter((r) => r.method !== "ALL")
    .map((r) => `${r.method.toLowerCase()} ${r.path}`),
);
const isServed = ([method, path]: [string, string]) => served.has(`${method} ${path.replace(/\{(\w+)\}/g, ":$1")}`);

beforeAll(async () => {
  const res = await call("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  doc = await res.json();
});

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document", () => {
    expect(doc.openapi).toMatch(/^3\.1/);
  });

  it("lists the Sync activity read routes", () => {
    for (const route of SYNC_ACTIVITY) {
      expect(isServed(route), route.join(" ")).toBe(true);
      expect(doc.paths[route[1]]?.[route[0]], route.join(" ")).toBeDefined();
    }
  });

  it("lists every API route the app serves, with its method", () => {
    const missing = API_MD.filter(isServed).filter(([method, path]) => !doc.paths[path]?.[method]);
    expect(missing).toEqual([]);
  });

  it("documents the runs list's query parameters and the CSV's media type", () => {
    const names = doc.paths["/api/v1/sync/runs"].get.parameters.map((p: any) => p.name).sort();
    expect(names).toEqual(["cursor", "direction", "from", "has", "limit", "objectType", "status", "to"]);
    const history = doc.paths["/api/v1/sync/records"].get.parameters.map((p: any) => p.name).sort();
    expect(history).toEqual(["conversionId", "cursor", "email", "limit", "salesforceId"]);
    expect(Object.keys(doc.paths["/api/v1/sync/runs/{id}/records.csv"].get.responses["200"].content)).toEqual([
      "text/csv",
    ]);
  });

  it("has the Run and RunRecord shapes as component schemas, every field required", () => {
    const { Run, RunRecord } = doc.components.schemas;
    expect(Object.keys(Run.properties)).toEqual(expect.arrayContaining(RUN_FIELDS));
    expect(Run.required).toEqual(expect.arrayContaining(RUN_FIELDS));
    expect(Object.keys(Run.properties.counts.properties).sort()).toEqual([
      "created",
      "deleted",
      "failed",
      "skipped",
      "updated",
    ]);
    expect(Run.properties.kind.enum).toEqual(["backfill", "incremental", "push", "retry", "reconcile"]);
    expect(Run.properties.status.enum).toEqual(["in_progress", "completed", "failed"]);
    expect(JSON.stringify(Run.properties.failure)).toContain('"action"');
    expect(Object.keys(RunRecord.properties)).toEqual(expect.arrayContaining(RECORD_FIELDS));
    expect(RunRecord.required).toEqual(expect.arrayContaining(RECORD_FIELDS));
    expect(RunRecord.properties.status.enum).toEqual(["success", "skipped", "failed"]);
    expect(JSON.stringify(RunRecord.properties.reason)).toContain('"explanation"');
    expect(JSON.stringify(RunRecord.properties.salesforceError)).toContain('"statusCode"');
    // The lists reference the components rather than inlining copies.
    expect(JSON.stringify(doc.components.schemas.RunList)).toContain("#/components/schemas/Run");
    expect(JSON.stringify(doc.components.schemas.RunRecordList)).toContain("#/components/schemas/RunRecord");
  });
});
