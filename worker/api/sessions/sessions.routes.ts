import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, workspaceSecurity } from "../common";

export const createSession = createRoute({
  method: "post",
  path: "/sessions",
  tags: ["Sessions"],
  security: workspaceSecurity,
  responses: {
    201: json(z.object({ url: z.string().url(), expiresAt: z.string() }), "A one-time, short-lived launch link"),
    401: errorResponses[401],
  },
});

export const currentSession = createRoute({
  method: "get",
  path: "/session",
  tags: ["Sessions"],
  security: workspaceSecurity,
  responses: {
    200: json(
      z.object({ workspace: z.object({ id: z.string(), name: z.string() }), csrfToken: z.string().nullable() }),
      "Who the page is signed in as, and the CSRF token its mutations send",
    ),
    401: errorResponses[401],
  },
});

export const launch = createRoute({
  method: "get",
  path: "/launch",
  tags: ["Sessions"],
  request: { query: z.object({ token: z.string().min(10).max(200) }) },
  responses: {
    302: { description: "Signed in: redirect to the page with a session cookie" },
    400: errorResponses[400],
    401: errorResponses[401],
  },
});
