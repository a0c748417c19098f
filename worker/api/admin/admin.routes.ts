import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, errorResponses, json } from "../common";

export const createWorkspace = createRoute({
  method: "post",
  path: "/admin/workspaces",
  tags: ["Admin"],
  security: adminSecurity,
  request: {
    body: { ...json(z.object({ name: z.string().trim().min(1).max(200) }).strict(), "The workspace"), required: true },
  },
  responses: {
    201: json(
      z.object({ workspace: z.object({ id: z.string(), name: z.string() }), apiKey: z.string() }),
      "The workspace and its first API key, shown this once",
    ),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export const createApiKey = createRoute({
  method: "post",
  path: "/admin/workspaces/{id}/api-keys",
  tags: ["Admin"],
  security: adminSecurity,
  request: { params: z.object({ id: z.string().max(100) }) },
  responses: {
    201: json(z.object({ id: z.string(), apiKey: z.string() }), "Another API key for the workspace"),
    ...errorResponses,
  },
});

export const revokeApiKey = createRoute({
  method: "delete",
  path: "/admin/workspaces/{id}/api-keys/{keyId}",
  tags: ["Admin"],
  security: adminSecurity,
  request: { params: z.object({ id: z.string().max(100), keyId: z.string().max(100) }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses },
});
