// Top-level routing of the fake org: admin endpoints, OAuth, identity and the data API.
import { handleAdmin } from "./admin";
import { handleApi } from "./api";
import { json } from "./http";
import { identity } from "./identity";
import { authorize, revoke, token } from "./oauth";
import { type FakeEnv, getOrg, type Org } from "./state";

async function oauthAndIdentity(
  org: Org,
  request: Request,
  url: URL,
): Promise<{ kind: string; response: Response } | null> {
  const path = url.pathname.replace(/\/$/, "");
  if (path === "/services/oauth2/authorize") return { kind: "oauth_authorize", response: authorize(org, url) };
  if (path === "/services/oauth2/token") return { kind: "oauth_token", response: await token(org, request, url) };
  if (path === "/services/oauth2/revoke") return { kind: "oauth_revoke", response: await revoke(org, request, url) };
  if (path.startsWith("/id/")) return { kind: "identity", response: identity(org, request, url) };
  return null;
}

export async function route(request: Request, env: FakeEnv): Promise<Response> {
  const url = new URL(request.url);
  const org = getOrg(env);
  if (url.pathname === "/__fake" || url.pathname.startsWith("/__fake/")) return handleAdmin(org, env, request, url);
  if (org.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, org.faults.latencyMs));
  if (url.pathname === "/services/data" || url.pathname.startsWith("/services/data/"))
    return handleApi(org, request, url);
  const handled = await oauthAndIdentity(org, request, url);
  if (handled) {
    org.calls.add({
      method: request.method,
      host: url.host,
      path: url.pathname,
      kind: handled.kind,
      status: handled.response.status,
      at: new Date(org.clock.now()).toISOString(),
    });
    return handled.response;
  }
  return json([{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }], 404);
}
