import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, contract } from "./contract";
import { call, newWorkspace } from "./helpers";
import { openPage } from "./page-session";
import { authFor, type Fixture, initOf, label, ROUTES, urlOf, workspaceRoutes, workspaceWithObjects } from "./routes";

// The OpenAPI document is the truth: every operation documents each status the shared code can answer,
// every answer of the route sweep matches the document (call() checks each one against it), and a
// query parameter an operation does not take is a 400 naming it.

type Json = Record<string, any>;

let c: Contract;
let f: Fixture;

beforeAll(async () => {
  c = await contract();
  f = await workspaceWithObjects("Contract");
});

const operations = () =>
  Object.entries(c.doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op, name: `${method.toUpperCase()} ${path}` })),
  );
const errorRef = { $ref: "#/components/schemas/Error" };

describe("the published document", () => {
  it("documents 400 and 500 (server_misconfigured) with the error shape on every operation", () => {
    for (const { op, name } of operations()) {
      for (const status of ["400", "500"]) {
        expect(op.responses[status]?.content?.["application/json"]?.schema, `${name} ${status}`).toEqual(errorRef);
      }
      expect(op.responses["500"].description, name).toContain("server_misconfigured");
    }
  });

  it("documents 401 and 429 with Retry-After wherever credentials are checked", () => {
    const secured = operations().filter(({ op }) => op.security?.length);
    expect(secured.length).toBeGreaterThan(25);
    for (const { op, name } of [...secured, ...operations().filter(({ path }) => path === "/api/v1/session/launch")]) {
      expect(op.responses["401"]?.content?.["application/json"]?.schema, name).toEqual(errorRef);
      expect(op.responses["429"]?.description, name).toContain("rate_limited");
      expect(op.responses["429"]?.headers?.["Retry-After"]?.schema, name).toEqual({ type: "integer", minimum: 1 });
    }
  });

  it("documents 403 csrf_failed on every mutation a page session may make, 413 on every mutation, 415 where a JSON body is taken", () => {
    for (const { op, method, name } of operations()) {
      const mutation = method !== "get";
      const cookie = (op.security ?? []).some((s: Json) => "sessionCookie" in s);
      expect(Boolean(op.responses["403"]?.description?.includes("csrf_failed")), name).toBe(mutation && cookie);
      expect(Boolean(op.responses["413"]), name).toBe(mutation);
      expect(Boolean(op.responses["415"]), name).toBe(Boolean(op.requestBody?.content?.["application/json"]));
    }
  });

  it("documents 404 on every operation with a path parameter, and names the limits each 429 is about", () => {
    for (const { op, path, name } of operations()) {
      if (path.includes("{")) expect(op.responses["404"]?.description, name).toContain("not_found");
    }
    const doc = c.doc.paths as Record<string, Record<string, Json>>;
    expect(doc["/api/v1/sessions"]!.post!.responses["429"].description).toContain("sign-in links minted per workspace");
    expect(doc["/api/v1/sync/inbound"]!.post!.responses["429"].description).toMatch(
      /sync_paused[\s\S]*Sync now requests/,
    );
    expect(doc["/api/v1/contacts"]!.post!.responses["429"].description).toContain("writes per API key");
    expect(doc["/api/v1/contacts"]!.get!.responses["429"].description).not.toContain("writes");
  });

  it("has nullable runs in /sync/health, and a fresh workspace's health card validates against it", async () => {
    const lastRuns = c.doc.components.schemas.SyncHealth.properties.lastRuns.properties;
    for (const direction of ["inbound", "outbound"]) {
      expect(lastRuns[direction]).toEqual({ anyOf: [{ $ref: "#/components/schemas/Run" }, { type: "null" }] });
    }
    const fresh = await newWorkspace("Never synced");
    const res = await call("/api/v1/sync/health", { headers: fresh.auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).lastRuns).toEqual({ inbound: null, outbound: null });
  });
});

describe("the check itself", () => {
  it("fails an undocumented status, a body off its schema and a media type the status does not have", async () => {
    const url = "http://localhost/api/v1/sync/health";
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    await expect(c.check("GET", url, json({ error: { code: "x", message: "y" } }, 418))).rejects.toThrow(
      /status 418 is not documented/,
    );
    await expect(c.check("GET", url, json({ lastRuns: { inbound: 5 } }))).rejects.toThrow(/body\/lastRuns\/inbound/);
    await expect(
      c.check("GET", url, new Response("ok", { headers: { "content-type": "text/plain" } })),
    ).rejects.toThrow(/media type 'text\/plain' is not documented/);
    await expect(
      c.check(
        "POST",
        "http://localhost/api/v1/sync/inbound",
        json({ error: { code: "rate_limited", message: "m" } }, 429),
      ),
    ).resolves.toBeUndefined();
  });
});

describe("every answer of the route sweep is in the document", () => {
  it.each(ROUTES.map((r) => [label(r), r] as const))("%s: a valid request, by key or admin token", async (_, route) => {
    const res = await call(urlOf(route, f.ids), initOf(route, f.ids, authFor(route, f.ws)));
    expect(res.status, await res.clone().text()).toBeLessThan(500);
  });

  it.each(workspaceRoutes.map((r) => [label(r), r] as const))(
    "%s: by page session, without and with the CSRF token",
    async (_, route) => {
      // A page of its own: one route (sign-out) ends the session it is called with.
      const page = await openPage(f.ws.auth);
      if (route.method !== "GET") {
        const without = await call(urlOf(route, f.ids), initOf(route, f.ids, page.headers(false)));
        expect(without.status).toBe(403);
        expect(((await without.json()) as Json).error.code).toBe("csrf_failed");
      }
      const withToken = await call(urlOf(route, f.ids), initOf(route, f.ids, page.headers(true)));
      expect(withToken.status, await withToken.clone().text()).toBeLessThan(500);
    },
  );
});

const CALLBACK = "/oauth/salesforce/callback";

describe("unknown query parameters", () => {
  const strict = ROUTES.filter((r) => r.path !== CALLBACK);
  it.each(strict.map((r) => [label(r), r] as const))("%s: a 400 naming the parameter", async (_, route) => {
    const res = await call(urlOf(route, f.ids, { query: { limt: "10" } }), initOf(route, f.ids, authFor(route, f.ws)));
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain("Invalid query field 'limt'");
    expect(body.error.details.issues[0].field).toBe("limt");
  });

  it("are ignored by the OAuth callback only, as OAuth 2.0 requires of a client (RFC 6749 §4.1.2)", async () => {
    const route = ROUTES.find((r) => r.path === CALLBACK)!;
    const plain = await call(urlOf(route, f.ids), initOf(route, f.ids, {}));
    const extra = await call(
      urlOf(route, f.ids, { query: { iss: "https://login.salesforce.com" } }),
      initOf(route, f.ids, {}),
    );
    expect(extra.status).toBe(plain.status);
    expect(await extra.json()).toEqual(await plain.json());
    expect(c.doc.paths[CALLBACK].get.description).toContain("RFC 6749");
  });

  it("names the parameters the operation does take", async () => {
    const res = await call("/api/v1/sync/runs?direction=inbound&dirction=outbound", { headers: f.ws.auth });
    expect(res.status).toBe(400);
    const { message } = ((await res.json()) as Json).error;
    expect(message).toMatch(
      /^Invalid query field 'dirction': unknown query parameter; this operation takes direction, /,
    );
    expect(message).toContain(", cursor");
  });
});
