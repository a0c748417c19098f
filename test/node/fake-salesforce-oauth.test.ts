// OAuth 2.0 web server flow, refresh-token rotation, revocation, identity and session errors.
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";
import { createFakeClient, type FakeClient } from "../fake-salesforce/testing.ts";

const CLIENT = { client_id: "conversion-sync", client_secret: "fake-org-secret" };
const REDIRECT = "https://app.example.com/oauth/callback?x=1";
let org: FakeOrg;
let sf: FakeClient;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, aliases: 1 });
  sf = createFakeClient(org.url);
});
afterAll(async () => {
  await org?.stop();
});

async function authorize(extra: Record<string, string> = {}): Promise<URL> {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    state: "st-1",
    ...extra,
  });
  const res = await fetch(`${org.url}/services/oauth2/authorize?${q}`, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

async function tokenCall(params: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${org.url}/services/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.json() };
}

const exchange = (code: string, extra: Record<string, string> = {}) =>
  tokenCall({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...CLIENT, ...extra });

describe("OAuth web server flow", () => {
  it("approves at once, redirects with code and state, and exchanges the code for tokens", async () => {
    const back = await authorize();
    expect(`${back.origin}${back.pathname}`).toBe("https://app.example.com/oauth/callback");
    expect(back.searchParams.get("x")).toBe("1");
    expect(back.searchParams.get("state")).toBe("st-1");
    const { status, body } = await exchange(back.searchParams.get("code")!);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^00D[A-Za-z0-9]{12}!/),
      refresh_token: expect.any(String),
      signature: expect.any(String),
      scope: "api refresh_token",
      instance_url: org.url,
      id: expect.stringMatching(new RegExp(`^${org.url}/id/00D\\w{15}/005\\w{15}$`)),
      token_type: "Bearer",
      issued_at: expect.stringMatching(/^\d{13}$/),
    });
    const expected = createHmac("sha256", CLIENT.client_secret)
      .update(body.id + body.issued_at)
      .digest("base64");
    expect(body.signature).toBe(expected);
    const again = await exchange(back.searchParams.get("code")!);
    expect([again.status, again.body.error]).toEqual([400, "invalid_grant"]);
  });

  it("checks the PKCE verifier against the S256 challenge", async () => {
    const verifier = "v".repeat(20) + "-verifier-" + "x".repeat(30);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const wrong = await exchange(
      (await authorize({ code_challenge: challenge, code_challenge_method: "S256" })).searchParams.get("code")!,
      { code_verifier: verifier + "x" },
    );
    expect([wrong.status, wrong.body.error]).toEqual([400, "invalid_grant"]);
    const right = await exchange((await authorize({ code_challenge: challenge })).searchParams.get("code")!, {
      code_verifier: verifier,
    });
    expect(right.status).toBe(200);
  });

  it("rejects bad clients, redirect URIs and grant types like Salesforce", async () => {
    const code = (await authorize()).searchParams.get("code")!;
    expect((await exchange(code, { client_secret: "nope" })).body).toEqual({
      error: "invalid_client",
      error_description: "invalid client credentials",
    });
    expect((await exchange(code, { client_id: "nope" })).body.error).toBe("invalid_client_id");
    expect((await exchange(code, { redirect_uri: "https://evil.example.com/cb" })).body.error).toBe(
      "redirect_uri_mismatch",
    );
    expect((await tokenCall({ grant_type: "password", ...CLIENT })).body.error).toBe("unsupported_grant_type");
    const bad = await fetch(
      `${org.url}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      { redirect: "manual" },
    );
    expect(bad.status).toBe(400);
  });

  it("rotates refresh tokens: the new one works, the old one is invalid_grant", async () => {
    const first = (await exchange((await authorize()).searchParams.get("code")!)).body;
    const refreshed = await tokenCall({ grant_type: "refresh_token", refresh_token: first.refresh_token, ...CLIENT });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.instance_url).toBe(org.url);
    const old = await tokenCall({ grant_type: "refresh_token", refresh_token: first.refresh_token, ...CLIENT });
    expect([old.status, old.body]).toEqual([
      400,
      { error: "invalid_grant", error_description: "expired access/refresh token" },
    ]);
    const next = await tokenCall({
      grant_type: "refresh_token",
      refresh_token: refreshed.body.refresh_token,
      ...CLIENT,
    });
    expect(next.status).toBe(200);

    await sf.admin("POST", "faults", { revokeRefreshTokens: true });
    const revoked = await tokenCall({ grant_type: "refresh_token", refresh_token: next.body.refresh_token, ...CLIENT });
    expect([revoked.status, revoked.body.error]).toEqual([400, "invalid_grant"]);
    const reconnect = await exchange((await authorize()).searchParams.get("code")!);
    expect(
      (await tokenCall({ grant_type: "refresh_token", refresh_token: reconnect.body.refresh_token, ...CLIENT })).status,
    ).toBe(200);
  });

  it("revokes tokens at /services/oauth2/revoke", async () => {
    const t = (await exchange((await authorize()).searchParams.get("code")!)).body;
    const res = await fetch(`${org.url}/services/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${encodeURIComponent(t.refresh_token)}`,
    });
    expect(res.status).toBe(200);
    expect((await sf.api("/services/data/v62.0/limits", { token: t.access_token })).status).toBe(401);
    const unknown = await fetch(`${org.url}/services/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=nope",
    });
    expect([unknown.status, await unknown.text()]).toEqual([
      400,
      "error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported",
    ]);
  });
});

describe("sessions", () => {
  it("serves the identity URL to the token's bearer", async () => {
    const t = (await exchange((await authorize()).searchParams.get("code")!)).body;
    const res = await fetch(t.id, { headers: { authorization: `Bearer ${t.access_token}` } });
    const body = await res.json();
    expect(body).toMatchObject({
      user_id: expect.stringMatching(/^005/),
      organization_id: expect.stringMatching(/^00D/),
      username: expect.stringContaining("@"),
      display_name: expect.any(String),
    });
    expect((await fetch(t.id)).status).toBe(403);
  });

  it("answers 401 INVALID_SESSION_ID for missing, unknown and expired tokens", async () => {
    const invalid = [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }];
    for (const token of [null, "00Dxx!nope"]) {
      const res = await sf.api("/services/data/v62.0/query?q=SELECT+Id+FROM+Lead", { token });
      expect([res.status, res.body]).toEqual([401, invalid]);
    }
    await sf.admin("POST", "reset", { accessTokenTtlSeconds: 1 });
    const t = (await exchange((await authorize()).searchParams.get("code")!)).body;
    expect((await sf.api("/services/data/v62.0/limits", { token: t.access_token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    const expired = await sf.api("/services/data/v62.0/limits", { token: t.access_token });
    expect([expired.status, expired.body]).toEqual([401, invalid]);
    const refreshed = await tokenCall({ grant_type: "refresh_token", refresh_token: t.refresh_token, ...CLIENT });
    expect((await sf.api("/services/data/v62.0/limits", { token: refreshed.body.access_token })).status).toBe(200);
  });

  it("expires every current access token with the expireAccessTokens fault", async () => {
    await sf.admin("POST", "reset", {});
    const token = await sf.login();
    expect((await sf.api("/services/data/v62.0/limits")).status).toBe(200);
    await sf.admin("POST", "faults", { expireAccessTokens: true });
    expect((await sf.api("/services/data/v62.0/limits", { token })).status).toBe(401);
    await sf.login();
    expect((await sf.api("/services/data/v62.0/limits")).status).toBe(200);
  });
});

describe("login hosts and refusals", () => {
  it("answers on an alias origin as the same org: it names that origin as instance_url and logs the host", async () => {
    await sf.admin("POST", "reset", {});
    const alias = org.aliases[0]!;
    expect(new URL(alias).port).not.toBe(new URL(org.url).port);
    const q = new URLSearchParams({
      response_type: "code",
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT,
      state: "s",
    });
    const back = await fetch(`${alias}/services/oauth2/authorize?${q}`, { redirect: "manual" });
    const code = new URL(back.headers.get("location")!).searchParams.get("code")!;
    const res = await fetch(`${alias}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...CLIENT }),
    });
    const body = (await res.json()) as { instance_url: string; access_token: string };
    expect(body.instance_url).toBe(alias);
    expect((await sf.api(`${alias}/services/data/v62.0/limits`, { token: body.access_token })).status).toBe(200);
    const calls = (await sf.admin<{ kind: string; host?: string }[]>("GET", "calls")).filter((c) =>
      c.kind.startsWith("oauth_"),
    );
    expect(calls.map((c) => c.host)).toEqual([new URL(alias).host, new URL(alias).host]);
  });

  it("refuses at authorize (redirect with error) or at the code exchange (400), as the oauthRefusal fault says", async () => {
    await sf.admin("POST", "faults", {
      oauthRefusal: { step: "authorize", error: "OAUTH_APP_BLOCKED", description: "this app is blocked by admin" },
    });
    const refused = await authorize();
    expect(refused.searchParams.get("error")).toBe("OAUTH_APP_BLOCKED");
    expect(refused.searchParams.get("error_description")).toBe("this app is blocked by admin");
    expect(refused.searchParams.get("state")).toBe("st-1");
    expect(refused.searchParams.get("code")).toBeNull();
    await sf.admin("POST", "faults", {
      oauthRefusal: { step: "token", error: "invalid_grant", description: "inactive user" },
    });
    const code = (await authorize()).searchParams.get("code")!;
    expect(await exchange(code)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "inactive user" },
    });
    await sf.admin("POST", "faults", { oauthRefusal: null });
    expect((await exchange((await authorize()).searchParams.get("code")!)).status).toBe(200);
  });
});
