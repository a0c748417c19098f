import { createRoute } from "@hono/zod-openapi";
import { errorResponses, json, workspaceSecurity } from "../common";
import { recordHistoryQuery, recordHistorySchema } from "./runs.schemas";

export const recordHistory = createRoute({
  method: "get",
  path: "/sync/records",
  tags: ["Sync activity"],
  summary: "Record history: every run record for one Salesforce ID, email or Conversion record, newest first",
  description:
    "Give exactly one of `salesforceId` (15 or 18 characters), `email` and `conversionId` (a contact's history is its email's).",
  security: workspaceSecurity,
  request: { query: recordHistoryQuery },
  responses: {
    200: json(recordHistorySchema, "One page of the record's history"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});
