import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";

type Json = Record<string, unknown>;

/**
 * zod-to-openapi writes a nullable component reference as `allOf: [{$ref}, {type: [..., "null"]}]`,
 * which no null can satisfy (the referenced schema is an object): in JSON Schema 2020-12 that is
 * `anyOf: [{$ref}, {type: "null"}]`. Rewritten everywhere in the document, so every `.nullable()`
 * on a named schema (a run in /sync/health) says what the API answers.
 */
export function nullableRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableRefs) as T;
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = nullableRefs(v);
  const all = out.allOf;
  if (Array.isArray(all) && all.length === 2 && Object.keys(out).length === 1) {
    const [ref, nullable] = all as Json[];
    const types = nullable?.type;
    if (
      ref?.$ref &&
      Object.keys(nullable ?? {}).length === 1 &&
      Array.isArray(types) &&
      types.includes("null") &&
      types.length === 2
    ) {
      return { anyOf: [ref, { type: "null" }] } as T;
    }
  }
  return out as T;
}

/** Serves the contract generated from the routes' zod schemas, never a hand-written copy. */
export function registerOpenApi(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "Workspace API key",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "ADMIN_TOKEN",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: "cv_session",
  });
  // Built on first request, after every route is registered; the routes do not change while the Worker runs.
  let document: Json | null = null;
  const route = createRoute({
    method: "get",
    path: "/api/v1/openapi.json",
    tags: ["Contract"],
    summary: "This document: OpenAPI 3.1, generated from the zod schemas that validate requests",
    responses: {
      200: {
        description: "The OpenAPI document",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  });
  app.openapi(route, (c) => {
    document ??= nullableRefs(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: { title: "Conversion Salesforce sync API", version: "1.0.0" },
      }) as unknown as Json,
    );
    return c.json(document, 200);
  });
}
