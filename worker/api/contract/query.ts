import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { fieldError } from "../errors";

/** The query parameters a route's schema declares (its object's keys); none without a schema. */
export function queryNames(route: RouteConfig): string[] {
  const schema = route.request?.query;
  if (!schema) return [];
  const object = schema instanceof z.ZodPipe ? schema.in : schema;
  if (!(object instanceof z.ZodObject)) {
    throw new Error(`${route.method} ${route.path}: request.query must be a z.object to list its parameters`);
  }
  return Object.keys(object.shape);
}

/**
 * A 400 naming the first query parameter the operation does not take, so a typo (`?limt=10`) or a
 * filter this route lacks is never silently ignored. Runs before the route's validators.
 */
export function rejectUnknownQuery(route: RouteConfig): MiddlewareHandler<AppEnv> {
  const known = new Set(queryNames(route));
  return async (c, next) => {
    for (const name of new URL(c.req.url).searchParams.keys()) {
      if (!known.has(name)) {
        throw fieldError(
          "query",
          name,
          known.size
            ? `unknown query parameter; this operation takes ${[...known].join(", ")}`
            : "unknown query parameter; this operation takes none",
        );
      }
    }
    await next();
  };
}
