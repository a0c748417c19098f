import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { approvedCallback } from "./connect";
import { ADMIN, call, jsonInit, openStored } from "./helpers";
import { exchange, launchToken } from "./page-session";
import { fake, fakeUrl, resetFake, runsOf, settle } from "./sync-helpers";

// Whatever reaches the server's logs: the Worker's console output (its fetch handler, queue consumers
// and cron run in this isolate, so a spy on console sees them all), the URLs of the requests it
// serves (here: every request the flow sends, as a browser would send it: a fragment never leaves
// the browser) and the URLs of the requests it makes to Salesforce. A full connect → sync → launch
// → retry flow runs, then none of those may hold a token, code, key or cookie value.
//
// One URL carries an OAuth code by Salesforce's protocol: the callback, `?code=…&state=…`. The code
// is single-use, bound to the PKCE verifier that never leaves D1 and to the client secret, and spent
// within that very request: the test checks it is dead, and that no other URL or log line holds it.

const console_: string[] = [];
const served: string[] = [];
const fetched: string[] = [];
const secrets = new Map<string, string>();

function keep(what: string, value: string | null | undefined) {
  expect(value, what).toEqual(expect.any(String));
  expect(value!.length, what).toBeGreaterThanOrEqual(8);
  secrets.set(value!, what);
}

/** A request as the browser or Conversion's app sends it; its URL is what a request log records. */
async function send(url: string, init: RequestInit = {}) {
  const u = new URL(url, "http://localhost");
  u.hash = "";
  served.push(u.toString());
  return call(u.toString(), init);
}

async function keepStoredTokens(workspaceId: string, when: string) {
  const row = (await env.DB.prepare("SELECT * FROM connections WHERE workspace_id = ?")
    .bind(workspaceId)
    .first()) as Record<string, string>;
  keep(`access token (${when})`, await openStored(workspaceId, "access_token", row.access_token_enc!));
  keep(`refresh token (${when})`, await openStored(workspaceId, "refresh_token", row.refresh_token_enc!));
  keep(`sealed access token (${when})`, row.access_token_enc);
}

let callbackUrl = "";
let oauthCode = "";

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      console_.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      );
    });
  }
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    fetched.push(input instanceof Request ? input.url : String(input));
    return realFetch(input, init);
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe("no secret in the server's logs", () => {
  it("connect → sync → launch → retry: no token, code, key or cookie value in console output or request URLs", async () => {
    await resetFake({
      counts: { Lead: 0, Contact: 3, Account: 2, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const { ids } = await fake<{ ids: string[] }>("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Typed", Company: "X", Email: "typed@example.com" }],
    });
    // One record that fails, so there is a run to retry; and an unknown queue message, which the
    // consumer logs: the spy must see queue consumers' output too.
    await fake("POST", "/__fake/faults", { corruptRecords: [{ id: ids[0], set: { FirstName: 42 } }] });
    await env.INBOUND_QUEUE.send({ type: "not-a-message" });

    // Conversion's app creates the workspace and mints a launch link with its API key.
    const created = await send("/api/v1/admin/workspaces", jsonInit("POST", { name: "Logs" }, ADMIN));
    const { workspace, apiKey } = (await created.json()) as { workspace: { id: string }; apiKey: string };
    keep("API key", apiKey);
    const auth = { authorization: `Bearer ${apiKey}` };
    const link = ((await (await send("/api/v1/sessions", { method: "POST", headers: auth })).json()) as { url: string })
      .url;
    keep("launch token", launchToken(link));

    // The admin's browser: the launch page, its exchange, the page's Connect, Salesforce, the callback.
    await send(link);
    const launched = await exchange(launchToken(link));
    served.push("http://localhost/api/v1/session/launch");
    const cookie = (launched.headers.get("set-cookie") ?? "").split(";")[0]!;
    keep("session cookie", cookie.split("=")[1]);
    const me = (await (await send("/api/v1/session", { headers: { cookie } })).json()) as { csrfToken: string };
    keep("CSRF token", me.csrfToken);
    const page = {
      cookie,
      csrfToken: me.csrfToken,
      setCookie: "",
      headers: (m = false) => ({ cookie, ...(m ? { "x-csrf-token": me.csrfToken } : {}) }),
    };
    served.push("http://localhost/api/v1/connection/authorize");
    const { callbackPath } = await approvedCallback(page);
    callbackUrl = new URL(callbackPath, "http://localhost").toString();
    oauthCode = new URL(callbackUrl).searchParams.get("code")!;
    keep("OAuth code", oauthCode);
    const done = await send(callbackPath, { redirect: "manual", headers: { cookie } });
    expect(done.status).toBe(302);
    await keepStoredTokens(workspace.id, "connected");

    // Sync, with an access token that expires on the way (a refresh, and a rotated refresh token).
    await send("/api/v1/settings", jsonInit("PATCH", { objects: { Opportunity: { enabled: false } } }, auth));
    await fake("POST", "/__fake/faults", { expireAccessTokens: true });
    expect((await send("/api/v1/sync/inbound", { method: "POST", headers: auth })).status).toBe(202);
    await settle(workspace.id);
    await keepStoredTokens(workspace.id, "refreshed");
    await send("/api/v1/contacts", jsonInit("POST", { email: "logs@example.com", firstName: "Logs" }, auth));

    // Launch again, sign out.
    const second = (
      (await (await send("/api/v1/sessions", { method: "POST", headers: auth })).json()) as { url: string }
    ).url;
    keep("second launch token", launchToken(second));
    await send(second);
    const again = await exchange(launchToken(second), { cookie }, { switchWorkspace: true });
    served.push("http://localhost/api/v1/session/launch");
    const cookie2 = (again.headers.get("set-cookie") ?? "").split(";")[0]!;
    keep("second session cookie", cookie2.split("=")[1]);

    // Retry the run with the failed record.
    await fake("DELETE", "/__fake/faults");
    const failed = (await runsOf(workspace.id)).find((r) => r.failed > 0);
    expect(failed, "a run with a failed record").toBeDefined();
    expect((await send(`/api/v1/sync/runs/${failed!.id}/retry`, { method: "POST", headers: auth })).status).toBe(202);
    await settle(workspace.id);
    await send(`/api/v1/sync/runs/${failed!.id}`, { headers: { cookie: cookie2 } });
    await keepStoredTokens(workspace.id, "after retry");
    expect((await send("/api/v1/connection", { method: "DELETE", headers: auth })).status).toBe(204);

    for (const [name, value] of Object.entries({
      ADMIN_TOKEN: env.ADMIN_TOKEN,
      TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY,
      SESSION_SECRET: env.SESSION_SECRET,
      SALESFORCE_CLIENT_SECRET: env.SALESFORCE_CLIENT_SECRET,
    })) {
      keep(name, value);
    }

    // The capture works: the queue consumer's line about the unknown message was seen.
    expect(console_.some((l) => l.includes("unknown queue message"))).toBe(true);
    expect(fetched.some((u) => u.startsWith(fakeUrl()))).toBe(true);

    const shapes = [
      /00D[A-Za-z0-9]{12}![A-Za-z0-9._]{20,}/, // a Salesforce access token
      /5Aep861[A-Za-z0-9._]{20,}/, // a refresh token
      /aPrx[A-Za-z0-9._]{20,}/, // an authorization code
      /cvk_[A-Za-z0-9_-]{16,}/, // an API key
      /cv_session=[A-Za-z0-9_-]{16,}/,
      /bearer\s+\S{8,}/i,
      /[?&#](token|code_verifier|access_token|refresh_token)=/,
    ];
    const leaks: string[] = [];
    const decoded = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return text;
      }
    };
    const check = (where: string, raw: string, allowCode = false) => {
      // URLs carry values percent-encoded: look at them as written and decoded.
      const text = `${raw}\n${decoded(raw)}`;
      for (const [value, what] of secrets) {
        if (allowCode && value === oauthCode) continue;
        if (text.includes(value)) leaks.push(`${where}: ${what} in ${text.slice(0, 160)}`);
      }
      for (const shape of shapes) {
        const hit = text.match(shape)?.[0];
        if (hit && !(allowCode && hit.includes(oauthCode.slice(0, 20))))
          leaks.push(`${where}: ${shape} in ${text.slice(0, 160)}`);
      }
    };
    expect(console_.length).toBeGreaterThan(0);
    for (const line of console_) check("console", line);
    for (const url of served) check("served URL", url, url === callbackUrl);
    for (const url of fetched) check("Salesforce URL", url);
    expect(leaks).toEqual([]);
    expect(served.filter((u) => decoded(u).includes(oauthCode))).toEqual([callbackUrl]);

    // The one code in a URL was spent in that request: it opens nothing now.
    const replay = await fetch(`${fakeUrl()}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: oauthCode,
        redirect_uri: "http://localhost/oauth/salesforce/callback",
        client_id: "conversion-sync",
        client_secret: "fake-org-secret",
      }),
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
  });
});
