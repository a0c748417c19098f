import type { RouteHandler } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { lookupSession, SESSION_COOKIE } from "../../auth/sessions";
import { getDb } from "../../db";
import type { AppEnv } from "../../env";
import {
  completeAuthorization,
  createAuthorizeUrl,
  disconnect,
  getConnectionStatus,
  OAuthFlowError,
} from "../../salesforce";
import { ApiError } from "../errors";
import { callbackErrorPage, wantsHtml } from "./callback-page";
import type { authorizeConnection, deleteConnection, getConnection, oauthCallback } from "./connection.routes";

const CALLBACK_PATH = "/oauth/salesforce/callback";

export const getConnectionHandler: RouteHandler<typeof getConnection, AppEnv> = async (c) =>
  c.json(await getConnectionStatus(c.env, c.get("workspaceId")), 200);

export const authorizeConnectionHandler: RouteHandler<typeof authorizeConnection, AppEnv> = async (c) => {
  const redirectUri = new URL(CALLBACK_PATH, c.req.url).toString();
  return c.json({ url: await createAuthorizeUrl(c.env, c.get("workspaceId"), redirectUri) }, 200);
};

export const deleteConnectionHandler: RouteHandler<typeof deleteConnection, AppEnv> = async (c) => {
  await disconnect(c.env, c.get("workspaceId"));
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
    const denied = q.error === "access_denied";
    const why = q.error_description ?? q.error;
    throw new ApiError(
      400,
      denied ? "authorization_denied" : "authorization_failed",
      denied
        ? `Salesforce access was not granted (${why}); start connecting again and choose Allow`
        : `Salesforce could not authorize the connection (${why})`,
    );
  }
  if (!q.state) throw missing("state");
  if (!q.code) throw missing("code");
  // The redirect_uri must equal the one the authorize URL named; both come from this deployment's origin.
  const redirectUri = new URL(CALLBACK_PATH, c.req.url).toString();
  // The page's session cookie (SameSite=Lax, so Salesforce's top-level redirect carries it) says
  // which workspace this browser is signed in to; the state must be that workspace's.
  const secret = getCookie(c, SESSION_COOKIE);
  const session = secret ? await lookupSession(getDb(c.env), secret) : null;
  try {
    await completeAuthorization(c.env, q.code, q.state, redirectUri, session?.workspaceId ?? null);
  } catch (err) {
    if (err instanceof OAuthFlowError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
  return c.redirect("/settings/crm?connected=1", 302);
}
