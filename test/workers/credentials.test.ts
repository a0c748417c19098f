import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KEY_TRUST_MS } from "../../worker/auth/keys";
import { ADMIN, call, callWith, jsonInit, newWorkspace, openStored } from "./helpers";
import { exchange, launchToken, launchUrl, openPage } from "./page-session";
import { type Ids, initOf, label, ROUTES, urlOf, workspaceRoutes } from "./routes";
import { connectedWorkspace, fake, onlyObjects, resetFake, syncNow } from "./sync-helpers";

// API keys, page sessions and what error bodies may say. OAuth `state` (signed, expiring,
// single-use, bound to the workspace) is covered by salesforce-oauth.test.ts and not repeated here.

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function status(path: string, headers: Record<string, string>) {
  return (await call(path, { headers })).status;
}

async function addKey(workspaceId: string) {
  const res = await call(`/api/v1/admin/workspaces/${workspaceId}/api-keys`, { method: "POST", headers: ADMIN });
  expect(res.status).toBe(201);
  const key = (await res.json()) as { id: string; apiKey: string };
  return { ...key, auth: { authorization: `Bearer ${key.apiKey}` } };
}

function idsOf(ws: Ws): Ids {
  return {
    workspaceId: ws.id,
    keyId: "key_none",
    runId: "run_none",
    contactId: "ct_none",
    companyId: "co_none",
    salesforceId: "0035g00000XyZaBAAV",
    email: "x@example.com",
  };
}

describe("API keys", () => {
  it("are stored as hashes: no column of the row holds the key", async () => {
    const ws = await newWorkspace("Hashed");
    const second = await addKey(ws.id);
    const { results } = await env.DB.prepare("SELECT * FROM api_keys WHERE workspace_id = ?")
      .bind(ws.id)
      .all<Record<string, string>>();
    expect(results).toHaveLength(2);
    const rows = JSON.stringify(results);
    for (const key of [ws.apiKey, second.apiKey]) {
      expect(rows).not.toContain(key);
      // The stored prefix is what a key list may show: too short to use.
      expect(rows).not.toContain(key.slice(0, 12));
    }
    for (const row of results) expect(row.key_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("a key revoked by another isolate stops working here within KEY_TRUST_MS", async () => {
    const ws = await newWorkspace("Revoked elsewhere");
    const key = await addKey(ws.id);
    expect(await status("/api/v1/settings", key.auth)).toBe(200);
    // Another isolate's revoke: the row changes, this isolate's trust in the key is not told.
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), key.id)
      .run();
    await new Promise((r) => setTimeout(r, KEY_TRUST_MS + 100));
    expect(await status("/api/v1/settings", key.auth)).toBe(401);
    expect(await status("/api/v1/settings", ws.auth)).toBe(200);
  });

  it("a workspace may hold several keys; revoking one leaves the others working", async () => {
    const ws = await newWorkspace("Two keys");
    const second = await addKey(ws.id);
    expect(second.apiKey).not.toBe(ws.apiKey);
    expect(await status("/api/v1/settings", ws.auth)).toBe(200);
    expect(await status("/api/v1/settings", second.auth)).toBe(200);
    const revoke = await call(`/api/v1/admin/workspaces/${ws.id}/api-keys/${second.id}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(revoke.status).toBe(204);
    const refused = await call("/api/v1/settings", { headers: second.auth });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect(await status("/api/v1/settings", ws.auth)).toBe(200);
    // Revoked is final: a second revoke finds nothing to revoke.
    expect(
      (await call(`/api/v1/admin/workspaces/${ws.id}/api-keys/${second.id}`, { method: "DELETE", headers: ADMIN }))
        .status,
    ).toBe(404);
    expect((await call("/api/v1/admin/workspaces/ws_none/api-keys", { method: "POST", headers: ADMIN })).status).toBe(
      404,
    );
  });
});

describe("page sessions", () => {
  it("the exchange sets an HttpOnly, SameSite=Lax cookie, Secure when PUBLIC_URL is https", async () => {
    const ws = await newWorkspace("Cookie");
    const url = await launchUrl(ws.auth);
    expect(url).toMatch(/^http:\/\/localhost\/launch#token=[A-Za-z0-9_-]{40,}$/);
    const https = { PUBLIC_URL: "https://sync.example.com" };
    const res = await callWith(
      https,
      "/api/v1/session/launch",
      jsonInit("POST", { token: launchToken(url) }, { origin: "https://sync.example.com" }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    const attrs = cookie
      .split(/;\s*/)
      .slice(1)
      .map((a) => a.toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/", "secure"]));
    const maxAge = Number(attrs.find((a) => a.startsWith("max-age="))?.slice(8));
    expect(maxAge).toBe(12 * 3600);
    // The cookie opens the page as this workspace and no other.
    const me = await callWith(https, "/api/v1/session", { headers: { cookie: cookie.split(";")[0]! } });
    expect(((await me.json()) as { workspace: { id: string } }).workspace.id).toBe(ws.id);
  });

  it("on a loopback PUBLIC_URL (npm start, tests) the cookie is not Secure, so plain http works", async () => {
    const page = await openPage((await newWorkspace("Local")).auth);
    expect(page.setCookie.toLowerCase()).not.toContain("secure");
    expect(page.setCookie).toContain("HttpOnly");
  });

  it("a launch link works once, and not after it expires", async () => {
    const ws = await newWorkspace("Launch");
    const token = launchToken(await launchUrl(ws.auth));
    expect((await exchange(token)).status).toBe(200);
    const again = await exchange(token);
    expect(again.status).toBe(401);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("unauthorized");

    const stale = launchToken(await launchUrl(ws.auth));
    await env.DB.prepare(
      "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ? AND kind = 'launch' AND used_at IS NULL",
    )
      .bind(ws.id)
      .run();
    const expired = await exchange(stale);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("set-cookie")).toBeNull();
  });

  it("launch tokens and session secrets are stored only as hashes", async () => {
    const ws = await newWorkspace("Session rows");
    const token = launchToken(await launchUrl(ws.auth));
    const page = await openPage(ws.auth);
    const secret = page.cookie.split("=")[1]!;
    const rows = JSON.stringify(
      (await env.DB.prepare("SELECT * FROM sessions WHERE workspace_id = ?").bind(ws.id).all()).results,
    );
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(secret);
  });

  it("a cookie-authenticated mutation needs the session's X-CSRF-Token on every route", async () => {
    const ws = await newWorkspace("CSRF");
    const page = await openPage(ws.auth);
    const other = await openPage((await newWorkspace("CSRF other")).auth);
    const ids = idsOf(ws);
    const mutations = workspaceRoutes.filter((r) => r.method !== "GET");
    expect(mutations.length).toBeGreaterThanOrEqual(10);
    for (const route of mutations) {
      for (const [name, headers] of [
        ["no token", page.headers()],
        ["a wrong token", { ...page.headers(), "x-csrf-token": "wrong" }],
        ["another session's token", { ...page.headers(), "x-csrf-token": other.csrfToken }],
      ] as const) {
        const res = await call(urlOf(route, ids), initOf(route, ids, headers));
        expect(res.status, `${label(route)} with ${name}`).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_failed");
      }
    }
    // With the token the request goes through to the route (its own answer, never a 403).
    const created = await call("/api/v1/contacts", jsonInit("POST", { email: "csrf@example.com" }, page.headers(true)));
    expect(created.status).toBe(201);
    const patched = await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 30 }, page.headers(true)));
    expect(patched.status).toBe(200);
    // Minting launch links takes an API key and signing out ends the session: both are checked on their own.
    const pageOnly = mutations.filter((r) => !["/api/v1/sessions", "/api/v1/session/logout"].includes(r.path));
    for (const route of pageOnly) {
      const res = await call(urlOf(route, ids), initOf(route, ids, page.headers(true)));
      expect(res.status, label(route)).not.toBe(403);
      expect(res.status, label(route)).toBeLessThan(500);
    }
    // Reads need no token.
    expect(await status("/api/v1/settings", page.headers())).toBe(200);
  });

  it("an expired session is a 401, for reads and writes", async () => {
    const ws = await newWorkspace("Expired");
    const page = await openPage(ws.auth);
    await env.DB.prepare(
      "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ? AND kind = 'session'",
    )
      .bind(ws.id)
      .run();
    const read = await call("/api/v1/sync/runs", { headers: page.headers() });
    expect(read.status).toBe(401);
    expect(((await read.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect(
      (await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 9 }, page.headers(true)))).status,
    ).toBe(401);
  });
});

describe("no secret in any answer", () => {
  it("errors and connection answers never carry the admin token, encryption key, other keys or Salesforce tokens", async () => {
    await resetFake({
      counts: { Account: 3, Contact: 3, Lead: 3, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    const ws = await connectedWorkspace(onlyObjects("Lead", "Contact", "Account"));
    const bystander = await newWorkspace("Bystander");
    const row = (await env.DB.prepare(
      "SELECT access_token_enc, refresh_token_enc FROM connections WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .first()) as Record<string, string>;
    const secrets = [
      env.ADMIN_TOKEN,
      env.TOKEN_ENCRYPTION_KEY,
      env.SESSION_SECRET,
      env.SALESFORCE_CLIENT_SECRET,
      bystander.apiKey,
      row.access_token_enc,
      row.refresh_token_enc,
      await openStored(ws.id, "access_token", row.access_token_enc!),
      await openStored(ws.id, "refresh_token", row.refresh_token_enc!),
    ];
    const seen: string[] = [];
    const collect = async (what: string, res: Response) => {
      const text = await res.text();
      expect(res.status, `${what}: ${text.slice(0, 200)}`).toBeLessThan(500);
      seen.push(`${what} ${res.status} ${text} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}`);
    };

    // Salesforce failures that end up as run failures and messages: a denied object, then a revoked connection.
    await fake("POST", "/__fake/faults", { unreadable: { Lead: "INSUFFICIENT_ACCESS" } });
    await syncNow(ws);
    await fake("POST", "/__fake/faults", {
      unreadable: { Lead: null },
      revokeRefreshTokens: true,
      expireAccessTokens: true,
    });
    await syncNow(ws);
    const runs = (await (await call("/api/v1/sync/runs?limit=200", { headers: ws.auth })).json()) as {
      runs: { id: string; status: string }[];
    };
    expect(runs.runs.filter((r) => r.status === "failed").length).toBeGreaterThanOrEqual(2);
    for (const run of runs.runs)
      await collect(`records of ${run.id}`, await call(`/api/v1/sync/runs/${run.id}/records`, { headers: ws.auth }));

    for (const path of [
      "/api/v1/connection",
      "/api/v1/sync/health",
      "/api/v1/sync/runs?limit=200",
      "/api/v1/settings",
    ]) {
      await collect(path, await call(path, { headers: ws.auth }));
    }
    await collect(
      "sync now, needs reconnect",
      await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth }),
    );
    await collect("authorize", await call("/api/v1/connection/authorize", { method: "POST", headers: ws.auth }));
    await collect(
      "callback with a refused code",
      await call(`/oauth/salesforce/callback?code=bad&state=${"s".repeat(40)}.${"t".repeat(43)}`),
    );
    await collect("callback denied", await call("/oauth/salesforce/callback?error=access_denied&error_description=no"));

    // Every route's error answers: bad credentials, bad bodies, unknown ids.
    const ids = idsOf(ws);
    for (const route of ROUTES) {
      await collect(`${label(route)} no auth`, await call(urlOf(route, ids), initOf(route, ids, {})));
      await collect(`${label(route)} bystander key`, await call(urlOf(route, ids), initOf(route, ids, bystander.auth)));
      await collect(`${label(route)} admin token as key`, await call(urlOf(route, ids), initOf(route, ids, ADMIN)));
      if (route.method !== "GET")
        await collect(`${label(route)} bad body`, await call(urlOf(route, ids), initOf(route, ids, ws.auth, "{bad")));
    }
    await collect("disconnect", await call("/api/v1/connection", { method: "DELETE", headers: ws.auth }));

    for (const secret of secrets) expect(secret && secret.length >= 8, "a secret to look for").toBe(true);
    // Token fields as JSON keys or a PKCE verifier in a URL (the authorize URL's scope names refresh_token, rightly).
    const patterns = [
      /\bv[12]\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
      // A credential after Bearer; a placeholder such as the OpenAPI document's `Bearer <secret>` is not one.
      /bearer\s+[^\s<]/i,
      /"(access_token|refresh_token)"\s*:|code_verifier=/i,
    ];
    const leaks = seen.flatMap((answer) => {
      const what = answer.slice(0, 80);
      return [
        ...secrets.filter((s) => answer.includes(s!)).map((s) => `${what}: a secret starting ${s!.slice(0, 4)}`),
        ...patterns.filter((p) => p.test(answer)).map((p) => `${what}: ${answer.match(p)![0]}`),
      ];
    });
    expect(leaks).toEqual([]);
  });
});
