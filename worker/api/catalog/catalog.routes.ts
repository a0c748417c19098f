import { createRoute } from "@hono/zod-openapi";
import { errorResponses, json, workspaceSecurity } from "../common";
import { catalogListQuery, eventListSchema, opportunityListSchema } from "./catalog.schemas";

export const listOpportunities = createRoute({
  method: "get",
  path: "/opportunities",
  tags: ["Synced data"],
  summary: "Opportunities inbound sync brought in, newest first",
  security: workspaceSecurity,
  request: { query: catalogListQuery },
  responses: {
    200: json(opportunityListSchema, "One page of opportunities"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/events",
  tags: ["Synced data"],
  summary: "Custom events inbound sync brought in, newest first",
  security: workspaceSecurity,
  request: { query: catalogListQuery },
  responses: { 200: json(eventListSchema, "One page of events"), 400: errorResponses[400], 401: errorResponses[401] },
});
