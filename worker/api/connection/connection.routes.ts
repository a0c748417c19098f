import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

export const CONNECTION_STATUSES = ["not_connected", "connected", "needs_reconnect"] as const;
export const LOGIN_ENVIRONMENTS = ["production", "sandbox", "custom"] as const;

export const connectionSchema = z
  .object({
    status: z.enum(CONNECTION_STATUSES),
    instanceUrl: z.string().nullable(),
    orgId: z.string().nullable(),
    username: z.string().nullable(),
    connectedAt: z.string().nullable(),
    environment: z
      .enum(LOGIN_ENVIRONMENTS)
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
    environment: z.enum(LOGIN_ENVIRONMENTS).optional().openapi({
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

export const authorizeAnswerSchema = z.object({ url: z.string().url() });

export const authorizeConnection = createRoute({
  method: "post",
  path: "/connection/authorize",
  tags: ["Connection"],
  security: [{ sessionCookie: [] }],
  request: { body: { required: false, content: { "application/json": { schema: authorizeBody } } } },
  responses: {
    200: json(
      authorizeAnswerSchema,
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

/** A callback error: JSON, or for a browser (Accept: text/html) a small page with the same status and words. */
const callbackError = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema }, "text/html": { schema: z.string() } },
});

export const oauthCallback = createRoute({
  method: "get",
  path: "/oauth/salesforce/callback",
  tags: ["Connection"],
  description:
    "Where Salesforce sends the admin's browser back. Query parameters besides these are ignored, as OAuth 2.0 " +
    "requires of a client (RFC 6749 §4.1.2), where every other operation answers them with a 400.",
  request: {
    // Loose: "the client MUST ignore unrecognized response parameters" (RFC 6749 §4.1.2), so this one
    // route takes query parameters it does not name; the others answer an unknown one with a 400.
    query: z.looseObject({
      code: param("code", 2048),
      state: param("state", 512),
      error: param("error", 200),
      error_description: param("error_description", 2000),
    }),
  },
  responses: {
    302: { description: "Connected: back to Settings → CRM & Syncing" },
    400: callbackError(
      "Bad, expired or reused state, a missing code, or Salesforce refused the authorization (authorization_denied, " +
        "authorization_failed: what happened and what to do, Salesforce's code in details.salesforceError)",
    ),
    403: callbackError(
      "state_session_mismatch: this browser's page session (or none) is not the one that started connecting; nothing was connected",
    ),
    500: misconfigured,
    502: callbackError("Salesforce could not be reached to finish connecting"),
  },
});
