import type { RouteConfig } from "@hono/zod-openapi";
import { type LimitMiddleware, writesPerApiKey } from "../../rate-limits";
import { rejectUnknownQuery } from "./query";
import { withStandardResponses } from "./responses";

export { registerOpenApi } from "./document";

const isLimit = (m: unknown): m is LimitMiddleware => typeof m === "function" && "limit" in m;

/**
 * What every operation gets from being registered on a router (see createRouter): the writes-per-key
 * limit on workspace mutations, the unknown-query-parameter check, and each error status the shared
 * middleware can answer documented with the error shape. A route states only what is its own.
 */
export function withContract<R extends RouteConfig>(route: R): R {
  const own =
    route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  const workspaceWrite = route.method !== "get" && (route.security ?? []).some((s) => "bearerAuth" in s);
  // The route's own limits first: past one of them, the 429 names it and the write is not counted.
  const limits = [...own.filter(isLimit), ...(workspaceWrite ? [writesPerApiKey()] : [])];
  return {
    ...route,
    middleware: [...limits, rejectUnknownQuery(route), ...own.filter((m) => !isLimit(m))],
    responses: withStandardResponses(
      route,
      limits.map((m) => m.limit),
    ),
  };
}
