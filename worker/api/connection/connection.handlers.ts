import type { RouteHandler } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { requirePageSession } from "../../auth/middleware";
import { lookupSession, SESSION_COOKIE } from "../../auth/sessions";
import { publicUrl } from "../../config";
import { directoryDb, onShard } from "../../db";
import type { AppEnv } from "../../env";
import {
  chooseLoginUrl,
  completeAuthorization,
  createAuthorizeUrl,
  disconnect,
  explainRefusal,
  getConnectionStatus,
  LoginHostError,
  OAuthFlowError,
} from "../../salesforce";
import { type OrgChange, orgSwitch } from "../../sync/org";
import { ApiError, fieldError } from "../errors";
import { callbackErrorPage, wantsHtml } from "./callback-page";
import type { authorizeConnection, deleteConnection, getConnection, oauthCallback } from "./connection.routes";
import { onConnected } from "./on-connected";

const CALLBACK_PATH = "/oauth/salesforce/callback";

export const getConnectionHandler: RouteHandler<typeof getConnection, AppEnv> = async (c) =>
  c.json(await getConnectionStatus(c.var.shardEnv, c.get("workspaceId")), 200);

export const authorizeConnectionHandler: RouteHandler<typeof authorizeConnection, AppEnv> = async (c) => {
  const sessionId = requirePageSession(c, "Connecting Salesforce");
  let loginUrl: string;
  try {
    ({ loginUrl } = chooseLoginUrl(c.env, c.req.valid("json")));
  } catch (err) {
    if (err instanceof LoginHostError) throw fieldError("body", err.field, err.message);
    throw err;
  }
  // The redirect URI is this deployment's configured origin, never the Host header a client sent.
  const redirectUri = publicUrl(c.env, CALLBACK_PATH);
  const url = await createAuthorizeUrl(c.env, { workspaceId: c.get("workspaceId"), sessionId, loginUrl, redirectUri });
  return c.json({ url }, 200);
};

export const deleteConnectionHandler: RouteHandler<typeof deleteConnection, AppEnv> = async (c) => {
  await disconnect(c.var.shardEnv, c.get("workspaceId"));
  return c.body(null, 204);
};

function missing(field: string): ApiError {
  return new ApiError(400, "invalid_request", `Missing query field '${field}'`, {
    issues: [{ field, message: "Required" }],
  });
}

export const oauthCallbackHandler: RouteHandler<typeof oauthCallback, AppEnv> = async (c) => {
  try {
    return await completeCallback(c);
  } catch (err) {
    if (!(err instanceof ApiError) || !wantsHtml(c.req.header("accept"))) throw err;
    // Same status and words as the JSON answer; the response schema describes the JSON one.
    return c.html(callbackErrorPage(err), err.status) as never;
  }
};

async function completeCallback(c: Parameters<RouteHandler<typeof oauthCallback, AppEnv>>[0]) {
  const q = c.req.valid("query");
  if (q.error) {
    const refusal = explainRefusal(q.error, q.error_description);
    throw new ApiError(400, refusal.code, refusal.message, refusal.details);
  }
  if (!q.state) throw missing("state");
  if (!q.code) throw missing("code");
  // Must equal the authorize URL's redirect_uri: both come from PUBLIC_URL.
  const redirectUri = publicUrl(c.env, CALLBACK_PATH);
  // The page's session cookie (SameSite=Lax, so Salesforce's top-level redirect carries it) must be
  // the very session that started this flow.
  const secret = getCookie(c, SESSION_COOKIE);
  const session = secret ? await lookupSession(c.env, directoryDb(c.env), secret) : null;
  try {
    let change: OrgChange = "same";
    const connected = await completeAuthorization(c.env, {
      code: q.code,
      state: q.state,
      redirectUri,
      browserSessionId: session?.id ?? null,
      // Stored in the connection's own batch: the connection never points at an org the watermarks are not for.
      alongside: async (db, workspaceId, orgId) => {
        const org = await orgSwitch(db, workspaceId, orgId);
        change = org.change;
        return org.statements;
      },
    });
    await onConnected(onShard(c.env, connected.shard), connected, change);
  } catch (err) {
    if (err instanceof OAuthFlowError) throw new ApiError(err.status, err.code, err.message, err.details);
    throw err;
  }
  return c.redirect("/settings/crm?connected=1", 302);
}
