import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

const connectionSchema = z
  .object({
    status: z.enum(["not_connected", "connected", "needs_reconnect"]),
    instanceUrl: z.string().nullable(),
    orgId: z.string().nullable(),
    username: z.string().nullable(),
    connectedAt: z.string().nullable(),
    environment: z
      .enum(["production", "sandbox", "custom"])
      .nullable()
      .openapi({ description: "Where the org signs in: production, sandbox, or its My Domain (custom)" }),
    loginUrl: z.string().nullable().openapi({ description: "The org's login host, used for refresh and revoke" }),
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

const misconfigured = json(errorSchema, "server_misconfigured: a required variable (named) is missing or malformed");

export const authorizeBody = z
  .object({
    environment: z.enum(["production", "sandbox", "custom"]).optional().openapi({
      description: "production (default; custom when myDomain is given), sandbox, or custom (a My Domain)",
    }),
    myDomain: z
      .string()
      .max(300)
      .optional()
      .openapi({ description: "The org's My Domain login URL, https://<name>.my.salesforce.com (environment custom)" }),
  })
  .strict()
  .openapi("AuthorizeRequest");

export const authorizeConnection = createRoute({
  method: "post",
  path: "/connection/authorize",
  tags: ["Connection"],
  security: [{ sessionCookie: [] }],
  request: { body: { required: false, content: { "application/json": { schema: authorizeBody } } } },
  responses: {
    200: json(
      z.object({ url: z.string().url() }),
      "Where to send the admin's browser to start Salesforce OAuth at the chosen login host (valid 10 minutes, once). " +
        "The callback completes only in the page session that asked, so a link opened anywhere else connects nothing",
    ),
    400: json(errorSchema, "Bad input; a myDomain that is not a Salesforce My Domain login URL is named"),
    401: errorResponses[401],
    403: json(
      errorSchema,
      "page_session_required: called with an API key instead of the page's session; or csrf_failed",
    ),
    500: misconfigured,
  },
});

export const deleteConnection = createRoute({
  method: "delete",
  path: "/connection",
  tags: ["Connection"],
  security: workspaceSecurity,
  responses: {
    204: { description: "Disconnected: the refresh token is revoked at the org's login host and forgotten" },
    401: errorResponses[401],
    500: misconfigured,
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
    400: json(
      errorSchema,
      "Bad, expired or reused state, a missing code, or Salesforce refused the authorization (authorization_denied, " +
        "authorization_failed: what happened and what to do, Salesforce's code in details.salesforceError)",
    ),
    403: json(
      errorSchema,
      "state_session_mismatch: this browser's page session (or none) is not the one that started connecting; nothing was connected",
    ),
    500: misconfigured,
    502: json(errorSchema, "Salesforce could not be reached to finish connecting"),
  },
});
