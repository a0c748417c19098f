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

/** A route whose query schema is a loose object (z.looseObject) takes parameters it does not name. */
function takesAnyQuery(route: RouteConfig): boolean {
  const schema = route.request?.query;
  const object = schema instanceof z.ZodPipe ? schema.in : schema;
  return (
    object instanceof z.ZodObject &&
    object._zod.def.catchall !== undefined &&
    !(object._zod.def.catchall instanceof z.ZodNever)
  );
}

/**
 * A 400 naming the first query parameter the operation does not take, so a typo (`?limt=10`) or a
 * filter this route lacks is never silently ignored. Runs before the route's validators.
 */
export function rejectUnknownQuery(route: RouteConfig): MiddlewareHandler<AppEnv> {
  const known = new Set(queryNames(route));
  const loose = takesAnyQuery(route);
  return async (c, next) => {
    if (loose) return next();
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
