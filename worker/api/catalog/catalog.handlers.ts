import type { RouteHandler } from "@hono/zod-openapi";
import { shardDb } from "../../db";
import { events, opportunities } from "../../db/schema";
import type { AppEnv } from "../../env";
import type { listEvents, listOpportunities } from "./catalog.routes";
import { toApiEvent, toApiOpportunity } from "./catalog.schemas";
import { listNewestFirst } from "./keyset";

export const listOpportunitiesHandler: RouteHandler<typeof listOpportunities, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const page = await listNewestFirst(shardDb(c.var.shardEnv), opportunities, "opportunities", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
  });
  return c.json({ opportunities: page.items.map(toApiOpportunity), nextCursor: page.nextCursor }, 200);
};

export const listEventsHandler: RouteHandler<typeof listEvents, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const page = await listNewestFirst(shardDb(c.var.shardEnv), events, "events", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
  });
  return c.json({ events: page.items.map(toApiEvent), nextCursor: page.nextCursor }, 200);
};
