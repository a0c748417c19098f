import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, jsonInit, newWorkspace } from "./helpers";
import { openPage } from "./page-session";

// An /api/v1 path no route serves is a 404 in the error envelope whatever credentials come with it:
// the same answer with none, bad or good ones, so it says nothing about them. Real routes keep
// answering 401 without credentials (bad-input.test.ts checks every route).

const UNKNOWN: [method: string, path: string][] = [
  ["GET", "/api/v1/nope"],
  ["GET", "/api/v1/"],
  ["GET", "/api/v1"],
  ["POST", "/api/v1/sync/nope"],
  ["GET", "/api/v1/sync/runs/run_x/nope"],
  ["DELETE", "/api/v1/contacts/ct_x/emails"],
  ["GET", "/api/v1/admin/nope"],
  ["POST", "/api/v1/admin/workspaces/ws_x/nope"],
  // A real path with a method it does not serve.
  ["PUT", "/api/v1/settings"],
  ["DELETE", "/api/v1/sync/runs"],
  ["GET", "/api/v1/admin/workspaces"],
];

let credentials: [name: string, headers: Record<string, string>][];

beforeAll(async () => {
  const ws = await newWorkspace("Unknown paths");
  const page = await openPage(ws.auth);
  credentials = [
    ["none", {}],
    ["an unknown key", { authorization: "Bearer cvk_not_a_real_key" }],
    ["a valid workspace key", ws.auth],
    ["the admin token", ADMIN],
    ["a page session", page.headers(true)],
    ["a garbage session cookie", { cookie: "cv_session=garbage" }],
  ];
});

describe("unknown /api/v1 paths", () => {
  it.each(UNKNOWN)("%s %s: 404 not_found with any credentials, the same answer each time", async (method, path) => {
    const answers = new Set<string>();
    for (const [name, headers] of credentials) {
      const init = method === "GET" || method === "DELETE" ? { method, headers } : jsonInit(method, {}, headers);
      const res = await call(path, init);
      expect(res.status, name).toBe(404);
      expect(res.headers.get("content-type"), name).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body, name).toEqual({ error: { code: "not_found", message: expect.any(String) } });
      expect(body.error.message, name).not.toMatch(/credential|api key|session|unauthori[sz]ed|token/i);
      answers.add(JSON.stringify(body));
    }
    expect(answers.size).toBe(1);
  });

  it("real routes still need credentials, and still work with them", async () => {
    for (const path of ["/api/v1/settings", "/api/v1/sync/runs", "/api/v1/sync/runs/run_x"]) {
      const res = await call(path);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect((await call("/api/v1/admin/workspaces", jsonInit("POST", { name: "X" }))).status).toBe(401);
    expect((await call("/api/v1/admin/workspaces", jsonInit("POST", { name: "X" }, credentials[2]![1]))).status).toBe(
      401,
    );
    expect((await call("/api/v1/settings", { headers: credentials[2]![1] })).status).toBe(200);
    expect((await call("/api/v1/sync/runs/run_x", { headers: credentials[2]![1] })).status).toBe(404);
    expect((await call("/api/v1/admin/workspaces", jsonInit("POST", { name: "X" }, ADMIN))).status).toBe(201);
    expect((await call("/api/v1/openapi.json")).status).toBe(200);
  });
});
