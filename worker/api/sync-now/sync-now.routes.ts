import { createRoute, z } from "@hono/zod-openapi";
import { OBJECT_TYPES } from "../../db/schema/enums";
import { perWorkspace } from "../../rate-limits";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

export const syncNowSchema = z.object({ queued: z.array(z.enum(OBJECT_TYPES)) });

export const syncNow = createRoute({
  method: "post",
  path: "/sync/inbound",
  tags: ["Sync"],
  summary: "Sync now: start an inbound cycle at once",
  security: workspaceSecurity,
  middleware: [perWorkspace("sync_now")],
  responses: {
    202: json(syncNowSchema, "The object types whose sync was queued (those already syncing are not queued twice)"),
    401: errorResponses[401],
    409: json(errorSchema, "`not_connected`: Salesforce is not connected; `needs_reconnect`: it needs a reconnect"),
    429: json(errorSchema, "`sync_paused`: syncing is paused to stay within the API budget"),
  },
});
