import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, workspaceSecurity } from "../common";
import {
  recordExportQuery,
  recordListQuery,
  recordListSchema,
  runDetailSchema,
  runIdParam,
  runListQuery,
  runListSchema,
} from "./runs.schemas";

export const listRuns = createRoute({
  method: "get",
  path: "/sync/runs",
  tags: ["Sync activity"],
  summary: "Runs, newest first",
  security: workspaceSecurity,
  request: { query: runListQuery },
  responses: { 200: json(runListSchema, "One page of runs"), 400: errorResponses[400], 401: errorResponses[401] },
});

export const getRun = createRoute({
  method: "get",
  path: "/sync/runs/{id}",
  tags: ["Sync activity"],
  summary: "One run",
  security: workspaceSecurity,
  request: { params: runIdParam },
  responses: { 200: json(runDetailSchema, "The run, with its retry if it has one"), ...errorResponses },
});

export const listRunRecords = createRoute({
  method: "get",
  path: "/sync/runs/{id}/records",
  tags: ["Sync activity"],
  summary: "A run's records, in processing order",
  security: workspaceSecurity,
  request: { params: runIdParam, query: recordListQuery },
  responses: { 200: json(recordListSchema, "One page of the run's records"), ...errorResponses },
});

export const exportRunRecords = createRoute({
  method: "get",
  path: "/sync/runs/{id}/records.csv",
  tags: ["Sync activity"],
  summary: "A run's records as CSV",
  security: workspaceSecurity,
  request: { params: runIdParam, query: recordExportQuery },
  responses: {
    200: {
      description:
        "Every record of the run (with `status`, only those with that status), one row each, after a header row (RFC 4180, streamed)",
      content: { "text/csv": { schema: z.string() } },
    },
    ...errorResponses,
  },
});
