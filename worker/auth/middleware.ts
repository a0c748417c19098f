import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { matchedRoutes } from "hono/route";
import { ApiError, unauthorized } from "../api/errors";
import { directoryDb, onShard, type Shard, shardNamed } from "../db";
import type { AppEnv } from "../env";
import { lookupApiKey } from "./keys";
import { lookupSession, SESSION_COOKIE } from "./sessions";

function bearer(header: string | undefined): string | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1] ?? null;
}

/** Compares two strings without an early exit, so the admin token cannot be guessed by timing. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether an endpoint (not just middleware, which Hono registers for every method as "ALL") serves
 * this method and path. Auth runs only then: otherwise an unknown /api/v1 path would answer 401 or
 * 404 depending on the credentials sent, instead of the app's one 404. Every real route still
 * authenticates, because its own match makes this true.
 */
export function hasEndpoint(c: Context): boolean {
  return matchedRoutes(c).some((r) => r.method !== "ALL");
}

/** `/api/v1/admin/*`: the operator's ADMIN_TOKEN. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!hasEndpoint(c)) return next();
    const token = bearer(c.req.header("authorization"));
    if (!token || !c.env.ADMIN_TOKEN || !sameText(token, c.env.ADMIN_TOKEN)) throw unauthorized();
    await next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every other `/api/v1/*` route: a workspace API key, or the page's session cookie. A cookie-authenticated
 * mutation must also carry the session's CSRF token in `X-CSRF-Token`.
 */
export function requireWorkspace(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!hasEndpoint(c)) return next();
    const db = directoryDb(c.env);
    // The directory says which shard the workspace is on; every handler after this works on it.
    const useShard = (workspaceId: string, name: string) => {
      const shard: Shard | null = shardNamed(c.env, name);
      if (!shard) throw new Error(`workspace ${workspaceId} is on shard ${name}, which is not bound`);
      c.set("workspaceId", workspaceId);
      c.set("shardEnv", onShard(c.env, shard));
    };
    const token = bearer(c.req.header("authorization"));
    if (token) {
      const key = await lookupApiKey(db, token);
      if (!key) throw unauthorized("Invalid API key");
      useShard(key.workspaceId, key.shard);
      c.set("authKind", "api_key");
      c.set("apiKeyId", key.id);
      return next();
    }
    const secret = getCookie(c, SESSION_COOKIE);
    if (!secret) throw unauthorized();
    const session = await lookupSession(c.env, db, secret);
    if (!session) throw unauthorized("Your session has expired; open the page again from Conversion");
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header("x-csrf-token") ?? "";
      if (!session.csrfToken || !sameText(sent, session.csrfToken)) {
        throw new ApiError(403, "csrf_failed", "Missing or invalid X-CSRF-Token header");
      }
    }
    useShard(session.workspaceId, session.shard);
    c.set("authKind", "session");
    c.set("sessionId", session.id);
    return next();
  };
}

/** Starting a Salesforce connection and signing out are the page's own acts: an API key alone is refused. */
export function requirePageSession(c: Context<AppEnv>, what: string): string {
  const id = c.get("sessionId");
  if (c.get("authKind") !== "session" || !id) {
    throw new ApiError(
      403,
      "page_session_required",
      `${what} needs the page's session (its cookie and X-CSRF-Token), not an API key: open Settings → CRM & Syncing with a launch link from POST /api/v1/sessions`,
    );
  }
  return id;
}

/** Minting launch links takes an API key (Conversion's app), never the page's cookie. */
export function requireApiKey(c: Context<AppEnv>): string {
  const id = c.get("apiKeyId");
  if (c.get("authKind") !== "api_key" || !id) {
    throw new ApiError(
      403,
      "api_key_required",
      "Launch links are minted with a workspace API key (Authorization: Bearer), not with the page's session",
    );
  }
  return id;
}
