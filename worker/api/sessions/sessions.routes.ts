import { createRoute, z } from "@hono/zod-openapi";
import { perWorkspace } from "../../rate-limits";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

const misconfigured = json(errorSchema, "server_misconfigured: a required variable (named) is missing or malformed");

export const createSession = createRoute({
  method: "post",
  path: "/sessions",
  tags: ["Sessions"],
  security: [{ bearerAuth: [] }],
  middleware: [perWorkspace("launch_links")],
  responses: {
    201: json(
      z.object({ url: z.string().url(), expiresAt: z.string() }),
      "A one-time launch link, valid 5 minutes: `<PUBLIC_URL>/launch#token=…`. The token rides in the fragment, which " +
        "browsers never send, so it reaches no server log; the page exchanges it with POST /api/v1/session/launch",
    ),
    401: errorResponses[401],
    403: json(errorSchema, "api_key_required: launch links are minted with an API key, never the page's cookie"),
    500: misconfigured,
  },
});

const workspaceRef = z.object({ id: z.string(), name: z.string() });
export const sessionSchema = z.object({ workspace: workspaceRef, csrfToken: z.string().nullable() });

export const currentSession = createRoute({
  method: "get",
  path: "/session",
  tags: ["Sessions"],
  security: workspaceSecurity,
  responses: {
    200: json(sessionSchema, "Who the page is signed in as, and the CSRF token its mutations send"),
    401: errorResponses[401],
  },
});

export const logout = createRoute({
  method: "post",
  path: "/session/logout",
  tags: ["Sessions"],
  security: [{ sessionCookie: [] }],
  responses: {
    204: { description: "Signed out: the page session is ended and its cookie cleared" },
    401: errorResponses[401],
    403: json(errorSchema, "page_session_required (an API key has no page session to end) or csrf_failed"),
  },
});

export const exchangeLaunchToken = createRoute({
  method: "post",
  path: "/session/launch",
  tags: ["Sessions"],
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              token: z.string().min(10).max(200),
              switchWorkspace: z
                .boolean()
                .optional()
                .openapi({ description: "Confirms leaving the workspace this browser is signed in to" }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: json(
      z.object({ workspace: workspaceRef }),
      "Signed in: the session cookie is set (HttpOnly, SameSite=Lax; Secure when PUBLIC_URL is https); a session this " +
        "browser had is ended",
    ),
    400: errorResponses[400],
    401: json(errorSchema, "The launch link was already used, has expired, or its API key was revoked"),
    403: json(errorSchema, "origin_mismatch: the request did not come from a page on PUBLIC_URL"),
    409: json(
      errorSchema,
      "switch_workspace: this browser is signed in to another workspace; `details.current` and `details.next` name " +
        "both. Nothing changed and the link is not spent: send again with switchWorkspace: true to switch",
    ),
    500: misconfigured,
  },
});
