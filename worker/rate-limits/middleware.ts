import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../api/errors";
import type { AppEnv } from "../env";
import { block, isBlocked } from "./blocks";
import { consume, type LimitName, limited, periodSeconds } from "./limits";

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
 * client cannot). Counting answers rather than checks covers every way to authenticate (keys, the admin
 * token, sessions, launch links) without touching each. The 401 that goes over the limit becomes a 429
 * and blocks the address for the limit's period: until then its requests are answered 429 before any
 * credential is checked, so a brute force cannot tell a right guess from a wrong one.
 */
export function limitFailedAuthentication(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = c.req.header("cf-connecting-ip") ?? "unknown";
    if (await isBlocked(address)) throw limited(c.env, "failed_auth");
    await next();
    if (c.res.status !== 401) return;
    try {
      await consume(c.env, "failed_auth", address);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) await block(address, periodSeconds(c.env));
      throw err;
    }
  };
}
