// OAuth 2.0 web server flow as Salesforce runs it: /authorize approves at once (the integration user
// is always logged in here) and redirects with a code; /token exchanges codes and refresh tokens.
import { json, oauthError } from "./http";
import type { Org } from "./state";

const DEFAULT_SCOPE = "api refresh_token";
const CODE_TTL_MS = 15 * 60_000;

async function base64Hmac(key: string, data: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...sig));
}

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const withRefresh = (scope: string) =>
  scope.split(/\s+/).some((s) => s === "refresh_token" || s === "offline_access" || s === "full");

export function identityUrl(org: Org, origin: string): string {
  return `${origin}/id/${org.orgId}/${org.userId}`;
}

export function authorize(org: Org, url: URL): Response {
  const p = url.searchParams;
  if (p.get("client_id") !== org.config.clientId) {
    return new Response("error=invalid_client_id&error_description=client%20identifier%20invalid", { status: 400 });
  }
  const redirect = p.get("redirect_uri");
  if (!redirect || !URL.canParse(redirect)) {
    return new Response("error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration", {
      status: 400,
    });
  }
  const target = new URL(redirect);
  const state = p.get("state");
  const fail = (error: string, description: string) => {
    target.searchParams.set("error", error);
    target.searchParams.set("error_description", description);
    if (state !== null) target.searchParams.set("state", state);
    return Response.redirect(target.toString(), 302);
  };
  if (p.get("response_type") !== "code") return fail("unsupported_response_type", "response type not supported");
  const refusal = org.faults.oauthRefusal;
  if (refusal?.step === "authorize") return fail(refusal.error, refusal.description);
  const method = p.get("code_challenge_method");
  const challenge = p.get("code_challenge") ?? undefined;
  if (challenge && method && method !== "S256") return fail("invalid_request", "invalid code challenge method");
  if (challenge && !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) return fail("invalid_request", "invalid code challenge");
  const code = org.tokens.newCode({
    clientId: org.config.clientId,
    redirectUri: redirect,
    scope: p.get("scope") || DEFAULT_SCOPE,
    challenge,
    expiresAt: org.clock.now() + CODE_TTL_MS,
  });
  target.searchParams.set("code", code);
  if (state !== null) target.searchParams.set("state", state);
  return Response.redirect(target.toString(), 302);
}

async function tokenResponse(
  org: Org,
  origin: string,
  access: string,
  scope: string,
  refresh?: string,
): Promise<Response> {
  const id = identityUrl(org, origin);
  const issuedAt = String(org.clock.now());
  const body: Record<string, string> = {
    access_token: access,
    ...(refresh ? { refresh_token: refresh } : {}),
    signature: await base64Hmac(org.config.clientSecret, id + issuedAt),
    scope,
    instance_url: origin,
    id,
    token_type: "Bearer",
    issued_at: issuedAt,
  };
  return json(body, 200, { "cache-control": "no-cache,must-revalidate,max-age=0,no-store,private" });
}

async function formParams(request: Request, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search);
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(await request.text())) params.set(k, v);
  }
  return params;
}

export async function token(org: Org, request: Request, url: URL): Promise<Response> {
  if (request.method !== "POST") return oauthError(400, "invalid_request", "must use HTTP POST");
  const p = await formParams(request, url);
  const grant = p.get("grant_type");
  if (grant !== "authorization_code" && grant !== "refresh_token") {
    return oauthError(400, "unsupported_grant_type", "grant type not supported");
  }
  if (p.get("client_id") !== org.config.clientId)
    return oauthError(400, "invalid_client_id", "client identifier invalid");
  const secret = p.get("client_secret");
  if (secret !== null && secret !== org.config.clientSecret)
    return oauthError(400, "invalid_client", "invalid client credentials");
  const now = org.clock.now();
  if (grant === "refresh_token") {
    if (secret === null) return oauthError(400, "invalid_client", "invalid client credentials");
    const old = p.get("refresh_token") ?? "";
    const g = org.tokens.refreshGrant(old);
    if (!g || g.revoked) return oauthError(400, "invalid_grant", "expired access/refresh token");
    const issued = org.tokens.refreshAccess(old, now);
    return tokenResponse(org, url.origin, issued.access, g.scope, issued.refresh);
  }
  const refusal = org.faults.oauthRefusal;
  if (refusal?.step === "token") return oauthError(400, refusal.error, refusal.description);
  const code = org.tokens.takeCode(p.get("code") ?? "");
  if (!code) return oauthError(400, "invalid_grant", "invalid authorization code");
  if (code.expiresAt <= now) return oauthError(400, "invalid_grant", "expired authorization code");
  if (p.get("redirect_uri") !== code.redirectUri)
    return oauthError(400, "redirect_uri_mismatch", "redirect_uri must match configuration");
  const verifier = p.get("code_verifier");
  if (code.challenge && (!verifier || (await s256(verifier)) !== code.challenge)) {
    return oauthError(400, "invalid_grant", "invalid code verifier");
  }
  // A public client proves itself with PKCE instead of the secret.
  if (secret === null && !code.challenge) return oauthError(400, "invalid_client", "invalid client credentials");
  const issued = org.tokens.issue(org.config.clientId, code.scope, withRefresh(code.scope), now);
  return tokenResponse(org, url.origin, issued.access, code.scope, issued.refresh);
}

export async function revoke(org: Org, request: Request, url: URL): Promise<Response> {
  const p = request.method === "POST" ? await formParams(request, url) : url.searchParams;
  if (!org.tokens.revoke(p.get("token") ?? "")) {
    return new Response("error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported", {
      status: 400,
    });
  }
  return new Response(null, { status: 200 });
}

/** The bearer token of a request: Authorization: Bearer|OAuth <token>. */
export function bearer(request: Request): string | null {
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return m ? m[1] : null;
}
