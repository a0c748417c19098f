import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

export const syncNow = createRoute({
  method: "post",
  path: "/sync/inbound",
  tags: ["Sync"],
  summary: "Sync now: start an inbound cycle at once",
  security: workspaceSecurity,
  responses: {
    202: json(
      z.object({ queued: z.array(z.enum(["contact", "company", "opportunity", "opportunity_contact_role", "event"])) }),
      "The object types whose sync was queued (those already syncing are not queued twice)",
    ),
    401: errorResponses[401],
    409: json(errorSchema, "Salesforce is not connected, or needs a reconnect"),
    429: json(errorSchema, "Syncing is paused to stay within the API budget"),
  },
});
