import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";
import { runSchema } from "../runs/runs.schemas";

export const reconcileBodySchema = z
  .object({
    objects: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(10)
      .optional()
      .openapi({ description: "Salesforce objects to check (default: every enabled object)", example: ["Lead"] }),
    confirmDeletes: z
      .boolean()
      .optional()
      .openapi({
        description:
          "Remove every record Salesforce no longer has, even past the safety limit: without it a run that would remove " +
          "more than 5% of an object's linked records (at least 100) stops as Failed and deletes nothing more",
        example: true,
      }),
  })
  .strict()
  .openapi("ReconcileRequest");

export const startReconcileRoute = createRoute({
  method: "post",
  path: "/sync/reconcile",
  tags: ["Sync"],
  summary: "Check Conversion against Salesforce: a reconciliation run per object",
  description:
    "Pages every Salesforce id of each object (ids only, 2,000 a call) against the Conversion records linked to it, and " +
    "deletes from Conversion what Salesforce no longer has (purged, hard-deleted). Merged records fold into their winner. " +
    "A run deletes nothing when the connected org is not the one the records are linked to, and stops (Failed, with " +
    "words) before removing more than 5% of an object's linked records (at least 100) unless confirmDeletes is true.",
  security: workspaceSecurity,
  request: {
    body: {
      ...json(reconcileBodySchema, "Which objects; an empty or missing body means all enabled"),
      required: false,
    },
  },
  responses: {
    202: json(z.object({ runs: z.array(runSchema) }), "The reconciliation runs, queued (kind reconcile)"),
    400: json(errorSchema, "Bad input: an unknown or disabled object is named by its field (objects.0)"),
    401: errorResponses[401],
    409: json(
      errorSchema,
      "reconcile_in_progress: a reconciliation run of this workspace is still running; not_connected / needs_reconnect",
    ),
  },
});
