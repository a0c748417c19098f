import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

const connectionSchema = z
  .object({
    status: z.enum(["not_connected", "connected", "needs_reconnect"]),
    instanceUrl: z.string().nullable(),
    orgId: z.string().nullable(),
    username: z.string().nullable(),
    connectedAt: z.string().nullable(),
    apiUsage: z
      .object({ used: z.number().int(), limit: z.number().int(), asOf: z.string().nullable() })
      .nullable()
      .openapi({ description: "The org's rolling 24-hour API usage from Salesforce's Sforce-Limit-Info header" }),
  })
  .openapi("Connection");

export const getConnection = createRoute({
  method: "get",
  path: "/connection",
  tags: ["Connection"],
  security: workspaceSecurity,
  responses: { 200: json(connectionSchema, "The workspace's Salesforce connection"), 401: errorResponses[401] },
});

export const authorizeConnection = createRoute({
  method: "post",
  path: "/connection/authorize",
  tags: ["Connection"],
  security: workspaceSecurity,
  responses: {
    200: json(
      z.object({ url: z.string().url() }),
      "Where to send the admin's browser to start Salesforce OAuth (valid 10 minutes, once). The callback completes only in a browser " +
        "signed in to this workspace's page (a launch link from POST /api/v1/sessions), so a link sent to someone else connects nothing",
    ),
    401: errorResponses[401],
  },
});

export const deleteConnection = createRoute({
  method: "delete",
  path: "/connection",
  tags: ["Connection"],
  security: workspaceSecurity,
  responses: {
    204: { description: "Disconnected: the refresh token is revoked and forgotten" },
    401: errorResponses[401],
  },
});

const param = (name: string, max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .optional()
    .openapi({ param: { name, in: "query" } });

export const oauthCallback = createRoute({
  method: "get",
  path: "/oauth/salesforce/callback",
  tags: ["Connection"],
  request: {
    query: z.object({
      code: param("code", 2048),
      state: param("state", 512),
      error: param("error", 200),
      error_description: param("error_description", 2000),
    }),
  },
  responses: {
    302: { description: "Connected: back to Settings → CRM & Syncing" },
    400: json(errorSchema, "Bad, expired or reused state, a missing code, or Salesforce refused the authorization"),
    401: json(errorSchema, "sign_in_required: this browser is not signed in to the page; nothing was connected"),
    403: json(
      errorSchema,
      "workspace_mismatch: the state belongs to another workspace than this browser's session; nothing was connected",
    ),
    502: json(errorSchema, "Salesforce could not be reached to finish connecting"),
  },
});
