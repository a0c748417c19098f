import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/api";
import { BAD_CASES, type BadCase } from "./bad-input.cases";
import { call, jsonInit } from "./helpers";
import {
  type ApiRoute,
  adminRoutes,
  authFor,
  type Fixture,
  initOf,
  label,
  ROUTES,
  urlOf,
  workspaceRoutes,
  workspaceWithObjects,
} from "./routes";

const byLabel = new Map(ROUTES.map((r) => [label(r), r]));

/** Asserts the error envelope, and that the answer is not a 5xx. */
async function expectEnvelope(res: Response, what: string) {
  const text = await res.text();
  expect(res.status, `${what}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return null;
  expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
  const body = JSON.parse(text) as {
    error: { code: string; message: string; details?: { issues?: { field: string }[] } };
  };
  expect(body.error, what).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  return body.error;
}

let f: Fixture;

beforeAll(async () => {
  f = await workspaceWithObjects("Bad input");
});

describe("the route list", () => {
  it("is every route the app serves, and the OpenAPI document lists every API route of it", async () => {
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL")
      // A parameter opens a segment (`/:id`); a colon inside one is literal (`/contacts:batch`).
      .map((r) => `${r.method} ${r.path.replace(/\/:(\w+)/g, "/{$1}")}`);
    expect([...new Set(served)].sort()).toEqual(ROUTES.map(label).sort());
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const r of ROUTES.filter((x) => x.path !== "/api/v1/openapi.json")) {
      expect(doc.paths[r.path]?.[r.method.toLowerCase()], label(r)).toBeDefined();
    }
  });
});

describe("bad input gets a clear 4xx", () => {
  it.each(BAD_CASES.map((c) => [`${c.route}: ${c.name} → ${c.status}`, c] as const))("%s", async (_, c: BadCase) => {
    const route = byLabel.get(c.route);
    expect(route, c.route).toBeDefined();
    const id = c.use ? f.use[c.use] : c.id;
    const url = urlOf(route!, f.ids, { id, query: c.query });
    const init = initOf(route!, f.ids, { ...authFor(route!, f.ws), ...c.headers }, c.body);
    const res = await call(url, init);
    const error = await expectEnvelope(res, c.name);
    expect(res.status, JSON.stringify(error)).toBe(c.status);
    if (c.code) expect(error?.code).toBe(c.code);
    if (c.field) {
      expect(error?.message).toContain(`'${c.field}'`);
      expect(error?.details?.issues?.[0]?.field).toBe(c.field);
    }
  });

  it("a 400 names the field in the same words on every route: code, message and details", async () => {
    const res = await call("/api/v1/sync/runs?from=yesterday", { headers: f.ws.auth });
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "Invalid query field 'from': must be an ISO 8601 date or date-time",
        details: { issues: [{ field: "from", message: "must be an ISO 8601 date or date-time" }] },
      },
    });
  });
});

describe("settings PATCH merges safely", () => {
  it("an object named like a JavaScript built-in (constructor) is a 400 naming it and resets nothing", async () => {
    const { ws } = await workspaceWithObjects("Prototype names");
    expect((await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 42 }, ws.auth))).status).toBe(200);
    const before = await (await call("/api/v1/settings", { headers: ws.auth })).json();
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      const res = await call(
        "/api/v1/settings",
        jsonInit("PATCH", { objects: { [name]: { enabled: true } } }, ws.auth),
      );
      expect(res.status, name).toBe(400);
      expect(
        ((await res.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues[0]!.field,
      ).toBe(`objects.${name}`);
    }
    const saved = (await (await call("/api/v1/settings", { headers: ws.auth })).json()) as {
      syncIntervalMinutes: number;
      objects: Record<string, unknown>;
    };
    expect(saved).toEqual(before);
    expect(saved.syncIntervalMinutes).toBe(42);
    expect(Object.hasOwn(saved.objects, "constructor")).toBe(false);
  });
});

describe("credentials on every route", () => {
  const badWorkspaceAuth: [string, Record<string, string>][] = [
    ["no Authorization", {}],
    ["an unknown key", { authorization: "Bearer cvk_not_a_real_key" }],
    ["a Basic scheme", { authorization: `Basic ${btoa("user:pass")}` }],
    ["Bearer without a key", { authorization: "Bearer " }],
    ["a key of 10 KB", { authorization: `Bearer ${"k".repeat(10 * 1024)}` }],
    ["a garbage session cookie", { cookie: "cv_session=garbage" }],
    ["a malformed cookie", { cookie: 'cv_session=%E0%A4%A; other="' }],
  ];

  it.each(workspaceRoutes.map((r) => [label(r), r] as const))("%s: 401 without valid credentials", async (_, route) => {
    for (const [name, headers] of badWorkspaceAuth) {
      const res = await call(urlOf(route, f.ids), initOf(route, f.ids, headers));
      const error = await expectEnvelope(res, name);
      expect(res.status, name).toBe(401);
      expect(error?.code).toBe("unauthorized");
    }
  });

  it.each(adminRoutes.map((r) => [label(r), r] as const))("%s: 401 without the admin token", async (_, route) => {
    for (const headers of [
      {},
      { authorization: "Bearer TEST-ADMIN-TOKEN" },
      { authorization: "Bearer test-admin-token-" },
      f.ws.auth,
    ]) {
      const res = await call(urlOf(route, f.ids), initOf(route, f.ids, headers));
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect((await expectEnvelope(res, "admin"))?.code).toBe("unauthorized");
    }
  });
});

// Garbage for the sweep: every value a field might get that it should not.
const GARBAGE_VALUES: unknown[] = [
  null,
  true,
  -0,
  1e308,
  -1,
  3.5,
  [],
  {},
  [[[]]],
  { $gt: "" },
  "",
  " ",
  "\u0000",
  "\ud800",
  "𝕏🙂",
  "' OR 1=1 --",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "x".repeat(300 * 1024),
];
const GARBAGE_QUERY = [
  "",
  "%",
  "%E0%A4%A",
  "%ED%A0%80",
  "%00",
  "' OR 1=1 --",
  "[]",
  "-1",
  "1e400",
  "x".repeat(10 * 1024),
];
const GARBAGE_BODIES: string[] = [
  "{not json",
  "",
  "[]",
  "0",
  '"text"',
  '{"__proto__": {"admin": true}}',
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`,
  "\u0000\u0001",
];
const GARBAGE_IDS = [
  "%E0%A4%A",
  "%",
  "%ED%A0%80",
  "%00",
  "..",
  "%2e%2e",
  "a%2Fb",
  "*",
  "' OR 1=1 --".replace(/ /g, "%20"),
  "NULL",
];

/** Every field of the sample set to every garbage value, one field at a time. */
function garbageBodies(sample: unknown): unknown[] {
  if (!sample || typeof sample !== "object") return [];
  return Object.keys(sample).flatMap((key) => GARBAGE_VALUES.map((v) => ({ ...(sample as object), [key]: v })));
}

describe("nothing answers 500", () => {
  let g: Fixture;
  /** Each route's query parameters, as the OpenAPI document lists them. */
  let queryNames: (route: ApiRoute) => string[];
  beforeAll(async () => {
    g = await workspaceWithObjects("Garbage");
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    queryNames = (route) => [
      "unknownParam",
      ...(doc.paths[route.path]?.[route.method.toLowerCase()]?.parameters ?? [])
        .filter((p) => p.in === "query")
        .map((p) => p.name),
    ];
  });

  it.each(ROUTES.map((r) => [label(r), r] as const))("%s with garbage everywhere", async (_, route) => {
    const auth = authFor(route, g.ws);
    const send = async (what: string, url: string, init: RequestInit) => {
      await expectEnvelope(await call(url, init), `${label(route)} ${what}`);
    };
    for (const name of queryNames(route)) {
      for (const value of GARBAGE_QUERY) {
        await send(
          `?${name}=${value.slice(0, 20)}`,
          urlOf(route, g.ids, { query: `${name}=${value}` }),
          initOf(route, g.ids, auth),
        );
      }
      await send(`?${name} twice`, urlOf(route, g.ids, { query: `${name}=a&${name}=b` }), initOf(route, g.ids, auth));
    }
    if (route.path.includes("{id}")) {
      for (const id of GARBAGE_IDS) await send(`id ${id}`, urlOf(route, g.ids, { id }), initOf(route, g.ids, auth));
    }
    if (route.method !== "GET") {
      for (const body of GARBAGE_BODIES)
        await send(`body ${body.slice(0, 20)}`, urlOf(route, g.ids), initOf(route, g.ids, auth, body));
      for (const body of garbageBodies(route.sample?.(g.ids))) {
        await send(`body ${JSON.stringify(body).slice(0, 60)}`, urlOf(route, g.ids), initOf(route, g.ids, auth, body));
      }
      const types = [
        "application/json; charset=utf-16",
        "application/jsonx",
        "multipart/form-data; boundary=x",
        "text/html",
        "*/*",
      ];
      for (const type of types) {
        await send(`content-type ${type}`, urlOf(route, g.ids), {
          method: route.method,
          headers: { ...auth, "content-type": type },
          body: "{}",
        });
      }
    }
  });

  it("unknown paths and methods are 404s in the envelope", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/nope"],
      ["PUT", "/api/v1/settings"],
      ["POST", "/api/v1/sync/runs"],
      ["GET", "/api/v2/sync/runs"],
      ["GET", "/api/v1/sync/runs/a/b/c"],
    ] as const) {
      const res = await call(path, { method, headers: g.ws.auth });
      const error = await expectEnvelope(res, `${method} ${path}`);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(error?.code).toBe("not_found");
    }
  });
});
