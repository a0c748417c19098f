import { createRoute, z } from "@hono/zod-openapi";
import { OBJECT_TYPES, RUN_DIRECTIONS } from "../../db/schema/enums";
import { errorResponses, json, workspaceSecurity } from "../common";
import { CONNECTION_STATUSES } from "../connection/connection.routes";
import { runSchema } from "../runs/runs.schemas";

export const topReasonSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    explanation: z.string(),
    direction: z.enum(RUN_DIRECTIONS),
    status: z.enum(["skipped", "failed"]),
    count: z.number().int(),
    action: z.string().optional().openapi({ description: "What to do, where the catalogue has advice" }),
  })
  .openapi("TopReason");

export const syncHealthSchema = z
  .object({
    lastRuns: z.object({ inbound: runSchema.nullable(), outbound: runSchema.nullable() }),
    last24h: z.object({
      failedRuns: z.number().int(),
      failedRecords: z.number().int(),
      skippedRecords: z.number().int(),
    }),
    topReasons: z.array(topReasonSchema).max(5),
    connection: z.object({
      status: z.enum(CONNECTION_STATUSES),
      instanceUrl: z.string().nullable(),
      orgId: z.string().nullable(),
      username: z.string().nullable(),
    }),
    apiUsage: z.object({ used: z.number().int(), limit: z.number().int(), asOf: z.string().nullable() }).nullable(),
    apiBudget: z.object({ used: z.number().int(), limit: z.number().int().nullable() }).openapi({
      description: "This integration's own Salesforce API calls today (UTC) against the workspace's daily budget",
    }),
    paused: z.boolean(),
    pausedReason: z.string().nullable(),
    inboundChecks: z
      .array(
        z.object({
          salesforceObject: z.string(),
          objectType: z.enum(OBJECT_TYPES).nullable(),
          lastCheckedAt: z.string().nullable().openapi({
            format: "date-time",
            description: "When this object was last read from Salesforce up to the present; null if never",
          }),
          nextCheckAt: z.string().nullable().openapi({
            format: "date-time",
            description: "When the next scheduled check is due (the workspace's interval); null while not connected",
          }),
          checking: z.boolean().openapi({ description: "A sync of this object is running now" }),
        }),
      )
      .openapi({ description: "Each enabled inbound object, in the order a cycle visits them" }),
    warnings: z
      .array(
        z.object({
          code: z.enum(["field_not_readable", "sync_paused"]),
          message: z.string(),
          object: z.string().optional(),
          field: z.string().optional(),
        }),
      )
      .openapi({
        description:
          "What the admin should know while syncing goes on: a mapped field hidden from the integration user " +
          "(field_not_readable, left out of the sync), or syncing paused for the API limit (sync_paused)",
      }),
  })
  .openapi("SyncHealth");

export const getSyncHealth = createRoute({
  method: "get",
  path: "/sync/health",
  tags: ["Sync activity"],
  summary: "The Recent sync health card",
  description:
    "Last run per direction; failed runs and skipped/failed records of runs started in the last 24 hours; " +
    "the five most frequent record reasons among them; connection status and API usage; whether syncing is paused.",
  security: workspaceSecurity,
  responses: { 200: json(syncHealthSchema, "The card's data"), 401: errorResponses[401] },
});
