import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, workspaceSecurity } from "../common";
import { countsSchema } from "../runs/runs.schemas";
import { isTimeZone } from "./zone";

const instant = z.string().openapi({ format: "date-time", example: "2026-11-29T10:00:00.000Z" });

const bucket = {
  from: instant.openapi({ description: "Start of the interval (inclusive)" }),
  to: instant.openapi({ description: "End of the interval (exclusive)" }),
  runs: z.number().int().openapi({ description: "Runs started in the interval" }),
  failedRuns: z.number().int().openapi({ description: "Of those, runs that failed as a whole" }),
  counts: countsSchema.openapi({ description: "The five counts of those runs, summed" }),
};

export const syncTotalsSchema = z
  .object({
    timeZone: z.string(),
    days: z.array(z.object({ date: z.string().openapi({ example: "2026-11-29" }), ...bucket })),
    hours: z.array(z.object(bucket)),
  })
  .openapi("SyncTotals");

export const syncTotalsQuery = z.object({
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin")
    .default("UTC")
    .openapi({ param: { name: "timeZone", in: "query" }, example: "Europe/Berlin" }),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(14)
    .default(7)
    .openapi({ param: { name: "days", in: "query" } }),
});

export const getSyncTotals = createRoute({
  method: "get",
  path: "/sync/totals",
  tags: ["Sync activity"],
  summary: "Records synced per local day and per hour, for the Overview's chart",
  description:
    "Runs started in each of the last `days` local days (today included) and each of the last 24 local hours " +
    "of `timeZone`, oldest first: how many, how many failed, and their created/updated/deleted/skipped/failed " +
    "counts. The same runs Sync activity lists for that day (`from`/`to` of the day, `has=failed` for its failures).",
  security: workspaceSecurity,
  request: { query: syncTotalsQuery },
  responses: {
    200: json(syncTotalsSchema, "Totals per day and per hour"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});
