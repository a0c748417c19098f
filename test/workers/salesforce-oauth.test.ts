import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { errorSchema } from "../../worker/api/common";
import { connectionSchema } from "../../worker/api/connection/connection.routes";
import { SALESFORCE_API_VERSION } from "../../worker/salesforce";
import { connectWorkspace, fakeCalls, resetFake } from "./connect";
import { bodyOf, call, newWorkspace, openStored } from "./helpers";
import { openPage, type PageSession } from "./page-session";

const fake = inject("fakeOrgUrl");

/** Starts connecting from a fresh page session of the workspace; the callback must come back to that session. */
async function authorizeState(auth: Record<string, string>): Promise<{ url: URL; state: string; page: PageSession }> {
  const page = await openPage(auth);
  const res = await call("/api/v1/connection/authorize", { method: "POST", headers: page.headers(true) });
  expect(res.status, await res.clone().text()).toBe(200);
  const url = new URL(((await res.json()) as { url: string }).url);
  return { url, state: url.searchParams.get("state") ?? "", page };
}

async function approve(url: URL): Promise<string> {
  const res = await fetch(url, { redirect: "manual" });
  const location = new URL(res.headers.get("location") ?? "");
  return `${location.pathname}${location.search}`;
}

describe("Salesforce OAuth", () => {
  beforeEach(resetFake);

  it("authorize sends PKCE S256, a signed state and our callback", async () => {
    const ws = await newWorkspace();
    const { url, state } = await authorizeState(ws.auth);
    expect(url.origin + url.pathname).toBe(`${fake}/services/oauth2/authorize`);
    // PUBLIC_URL (http://localhost in tests), not the Host header of the request.
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe("conversion-sync");
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost/oauth/salesforce/callback");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it("connects, and GET /connection shows the org and user", async () => {
    const ws = await newWorkspace();
    const before = await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema);
    expect(before).toEqual({
      status: "not_connected",
      instanceUrl: null,
      orgId: null,
      username: null,
      connectedAt: null,
      environment: null,
      loginUrl: null,
      apiUsage: null,
    });
    await connectWorkspace(ws, fake);
    const res = await call("/api/v1/connection", { headers: ws.auth });
    expect(res.status).toBe(200);
    const conn = await bodyOf(res, connectionSchema);
    expect(conn.status).toBe("connected");
    expect(conn.instanceUrl).toBe(new URL(fake).origin);
    expect(conn.orgId).toMatch(/^00D[A-Za-z0-9]{12,15}$/);
    expect(conn.username).toEqual(expect.any(String));
    expect(Date.parse(conn.connectedAt ?? "")).not.toBeNaN();
    expect(conn.environment).toBe("production");
    expect(conn.loginUrl).toBe(new URL(fake).origin);
    expect(JSON.stringify(conn)).not.toMatch(/token/i);
  });

  it("keeps tokens encrypted at rest, and they decrypt to working tokens", async () => {
    const ws = await newWorkspace();
    await connectWorkspace(ws, fake);
    const row = (await env.DB.prepare("SELECT * FROM connections WHERE workspace_id = ?")
      .bind(ws.id)
      .first()) as Record<string, string>;
    const access = await openStored(ws.id, "access_token", row.access_token_enc!);
    const refresh = await openStored(ws.id, "refresh_token", row.refresh_token_enc!);
    const rowText = JSON.stringify(row);
    for (const token of [access, refresh]) {
      expect(token.length).toBeGreaterThan(10);
      expect(rowText).not.toContain(token);
    }
    expect(row.access_token_enc).toMatch(/^v2\.[A-Za-z0-9_-]{8}\./);
    const limits = await fetch(`${row.instance_url}/services/data/${SALESFORCE_API_VERSION}/limits`, {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(limits.status).toBe(200);
  });

  it("a state works once: replaying the callback is a 400", async () => {
    const ws = await newWorkspace();
    const { callbackPath, cookie } = await connectWorkspace(ws, fake);
    const again = await call(callbackPath, { headers: { cookie } });
    expect(again.status).toBe(400);
    expect((await bodyOf(again, errorSchema)).error.code).toBe("state_already_used");
  });

  it("a tampered state is a 400 and consumes nothing", async () => {
    const ws = await newWorkspace();
    const { url, page } = await authorizeState(ws.auth);
    const path = await approve(url);
    const cb = new URL(path, "http://localhost");
    const [nonce, sig] = (cb.searchParams.get("state") ?? "").split(".");
    const headers = { cookie: page.cookie };
    for (const bad of [`${nonce}.${sig!.slice(0, -2)}AA`, `${nonce!.slice(0, -2)}AA.${sig}`, "nonsense", `${nonce}`]) {
      cb.searchParams.set("state", bad);
      const res = await call(cb.pathname + cb.search, { headers });
      expect(res.status).toBe(400);
      expect((await bodyOf(res, errorSchema)).error.code).toBe("invalid_state");
    }
    expect((await call(path, { redirect: "manual", headers })).status).toBe(302);
  });

  it("an expired state is a 400", async () => {
    const ws = await newWorkspace();
    const { url, page } = await authorizeState(ws.auth);
    const path = await approve(url);
    await env.DB.prepare("UPDATE oauth_states SET expires_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ?")
      .bind(ws.id)
      .run();
    const res = await call(path, { headers: { cookie: page.cookie } });
    expect(res.status).toBe(400);
    const body = await bodyOf(res, errorSchema);
    expect(body.error.code).toBe("state_expired");
    expect(body.error.message).toMatch(/expired/);
  });

  it("Salesforce's access_denied and missing parameters are 400s that say why", async () => {
    const ws = await newWorkspace();
    const { state } = await authorizeState(ws.auth);
    const denied = await call(
      `/oauth/salesforce/callback?error=access_denied&error_description=end-user+denied+authorization&state=${state}`,
    );
    expect(denied.status).toBe(400);
    const body = await bodyOf(denied, errorSchema);
    expect(body.error.code).toBe("authorization_denied");
    expect(body.error.message).toContain("end-user denied authorization");
    expect(body.error.message).toContain("Connect again and choose Allow");
    const noCode = await call(`/oauth/salesforce/callback?state=${state}`);
    expect(noCode.status).toBe(400);
    expect((await bodyOf(noCode, errorSchema)).error.message).toContain("code");
    const noState = await call(`/oauth/salesforce/callback?code=abc`);
    expect((await bodyOf(noState, errorSchema)).error.message).toContain("state");
    const tooLong = await call(`/oauth/salesforce/callback?code=abc&state=${"a".repeat(600)}`);
    expect(tooLong.status).toBe(400);
    expect((await bodyOf(tooLong, errorSchema)).error.message).toContain("state");
  });

  it("a code Salesforce refuses is a 400, not a 500", async () => {
    const ws = await newWorkspace();
    const { url, page } = await authorizeState(ws.auth);
    const cb = new URL(await approve(url), "http://localhost");
    cb.searchParams.set("code", "not-a-real-code");
    const res = await call(cb.pathname + cb.search, { headers: { cookie: page.cookie } });
    expect(res.status).toBe(400);
    expect((await bodyOf(res, errorSchema)).error.code).toBe("authorization_failed");
  });

  it("starting a connection needs the page session: an API key alone is a 403 page_session_required", async () => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/connection/authorize", { method: "POST", headers: ws.auth });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("page_session_required");
    expect(body.error.message).toMatch(/page's session/);
    const states = await env.DB.prepare("SELECT count(*) AS n FROM oauth_states WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(states?.n).toBe(0);
  });

  it("the redirect URI and launch links name PUBLIC_URL, never the request's Host header", async () => {
    const ws = await newWorkspace();
    const page = await openPage(ws.auth);
    const res = await call("https://attacker.example/api/v1/connection/authorize", {
      method: "POST",
      headers: page.headers(true),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const url = new URL(((await res.json()) as { url: string }).url);
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost/oauth/salesforce/callback");
    const launch = await call("https://attacker.example/api/v1/sessions", { method: "POST", headers: ws.auth });
    expect(((await launch.json()) as { url: string }).url).toMatch(/^http:\/\/localhost\/launch#token=/);
  });

  it("connection endpoints need a workspace key", async () => {
    expect((await call("/api/v1/connection")).status).toBe(401);
    expect((await call("/api/v1/connection/authorize", { method: "POST" })).status).toBe(401);
    expect((await call("/api/v1/connection", { method: "DELETE" })).status).toBe(401);
    expect((await call("/api/v1/connection", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("DELETE revokes the refresh token and removes the connection", async () => {
    const ws = await newWorkspace();
    await connectWorkspace(ws, fake);
    const row = (await env.DB.prepare("SELECT refresh_token_enc FROM connections WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ refresh_token_enc: string }>())!;
    const refresh = await openStored(ws.id, "refresh_token", row.refresh_token_enc);
    const res = await call("/api/v1/connection", { method: "DELETE", headers: ws.auth });
    expect(res.status).toBe(204);
    expect((await fakeCalls()).some((c) => c.path === "/services/oauth2/revoke")).toBe(true);
    expect(await env.DB.prepare("SELECT 1 FROM connections WHERE workspace_id = ?").bind(ws.id).first()).toBeNull();
    const conn = await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema);
    expect(conn.status).toBe("not_connected");
    const reuse = await fetch(`${fake}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refresh,
        client_id: "conversion-sync",
        client_secret: "fake-org-secret",
      }),
    });
    expect(reuse.status).toBe(400);
    expect((await call("/api/v1/connection", { method: "DELETE", headers: ws.auth })).status).toBe(204);
  });
});
