import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { consume, type LimitName } from "./limits";

/** A route middleware that counts against a limit; `limit` lets the OpenAPI document name it. */
export type LimitMiddleware = MiddlewareHandler<AppEnv> & { limit: LimitName };

/** Counts each request against `name`, keyed by `keyOf` (null: this request is not counted). */
export function rateLimit(
  name: LimitName,
  keyOf: (c: Context<AppEnv>) => string | null | Promise<string | null>,
): LimitMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const key = await keyOf(c);
    if (key !== null) await consume(c.env, name, key);
    await next();
  };
  return Object.assign(middleware, { limit: name });
}

/** Per workspace: behind the workspace middleware, which has set it. */
export const perWorkspace = (name: LimitName) => rateLimit(name, (c) => c.get("workspaceId") ?? null);

/** Writes with a workspace API key, per key; page-session writes are a person's clicks and are not counted. */
export const writesPerApiKey = () =>
  rateLimit("writes", (c) => (c.get("authKind") === "api_key" ? (c.get("apiKeyId") ?? null) : null));

/**
 * Every answer of 401 counts against the client address (CF-Connecting-IP, which Cloudflare sets and a
 * client cannot); past the limit the 401 becomes a 429. Counting answers rather than checks covers
 * every way to authenticate (keys, the admin token, sessions, launch links) without touching each.
 */
export function limitFailedAuthentication(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status !== 401) return;
    await consume(c.env, "failed_auth", c.req.header("cf-connecting-ip") ?? "unknown");
  };
}
