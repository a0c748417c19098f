import { beforeAll, describe, expect, it } from "vitest";
import { call, jsonInit } from "./helpers";
import { exchange, launchToken, launchUrl } from "./page-session";
import { authFor, type Fixture, type Ids, initOf, label, ROUTES, urlOf, workspaceWithObjects } from "./routes";

// The Worker's own answers (API, OAuth callback, launch link), successes and errors alike. The page's
// static assets get theirs from web/public/_headers, which the browser tests check.

let ws: Fixture["ws"];
let ids: Ids;

beforeAll(async () => {
  ({ ws, ids } = await workspaceWithObjects("Headers"));
});

function expectSecurityHeaders(res: Response, what: string) {
  const h = (name: string) => res.headers.get(name) ?? "";
  const csp = h("content-security-policy");
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(h("x-content-type-options"), what).toBe("nosniff");
  expect(h("x-frame-options"), what).toBe("DENY");
  expect(h("referrer-policy"), what).toBe("no-referrer");
  expect(h("strict-transport-security"), what).toMatch(/max-age=\d{7,}/);
  expect(h("cache-control"), what).toContain("no-store");
  // No CORS: another origin's page cannot read an answer, whatever it sends.
  expect(res.headers.has("access-control-allow-origin"), what).toBe(false);
  expect(res.headers.has("x-powered-by"), what).toBe(false);
}

describe("security headers", () => {
  it.each(ROUTES.map((r) => [label(r), r] as const))("%s: on its answer and on its errors", async (_, route) => {
    const origin = { origin: "https://evil.example" };
    const answers: [string, Response][] = [
      [
        "valid",
        await call(urlOf(route, ids), {
          ...initOf(route, ids, { ...authFor(route, ws), ...origin }),
          redirect: "manual",
        }),
      ],
      ["no credentials", await call(urlOf(route, ids), initOf(route, ids, origin))],
    ];
    if (route.owns)
      answers.push([
        "unknown id",
        await call(urlOf(route, ids, { id: "nope" }), initOf(route, ids, authFor(route, ws))),
      ]);
    if (route.body)
      answers.push(["bad JSON", await call(urlOf(route, ids), initOf(route, ids, authFor(route, ws), "{bad"))]);
    for (const [what, res] of answers) {
      expectSecurityHeaders(res, `${label(route)} ${what} (${res.status})`);
      if (res.status !== 204 && res.status !== 302)
        expect(res.headers.get("content-type"), what).toMatch(/^(application\/json|text\/csv)/);
      await res.body?.cancel();
    }
  });

  it("the run's CSV is an attachment, and body-limit and content-type refusals carry the headers too", async () => {
    const csv = await call(`/api/v1/sync/runs/${ids.runId}/records.csv`, { headers: ws.auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="run-[A-Za-z0-9_.:-]+\.csv"$/);
    expectSecurityHeaders(csv, "csv");
    await csv.body?.cancel();
    const big = await call("/api/v1/contacts", jsonInit("POST", { email: "x".repeat(1024 * 1024 + 1) }, ws.auth));
    expect(big.status).toBe(413);
    expectSecurityHeaders(big, "413");
    const plain = await call("/api/v1/contacts", {
      method: "POST",
      headers: { ...ws.auth, "content-type": "text/plain" },
      body: "{}",
    });
    expect(plain.status).toBe(415);
    expectSecurityHeaders(plain, "415");
    const unknown = await call("/api/v1/no/such/route", { headers: ws.auth });
    expect(unknown.status).toBe(404);
    expectSecurityHeaders(unknown, "404");
  });

  it("the launch exchange that sets the session cookie is not cached and sends no referrer", async () => {
    const res = await exchange(launchToken(await launchUrl(ws.auth)));
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toContain("HttpOnly");
    expectSecurityHeaders(res, "launch");
  });
});
