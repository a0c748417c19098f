import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { shardDb } from "../../db";
import { events, opportunities } from "../../db/schema";
import type { AppEnv } from "../../env";
import type { listEvents, listOpportunities } from "./catalog.routes";
import { toApiEvent, toApiOpportunity } from "./catalog.schemas";
import { type Listable, listNewestFirst } from "./keyset";

/** One page of the request's workspace's rows of a read-only catalog table, newest first. */
function newestFirst<T extends Listable>(
  c: Context<AppEnv>,
  table: T,
  tag: string,
  q: { limit: number; cursor?: string },
) {
  return listNewestFirst(shardDb(c.var.shardEnv), table, tag, {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
  });
}

export const listOpportunitiesHandler: RouteHandler<typeof listOpportunities, AppEnv> = async (c) => {
  const page = await newestFirst(c, opportunities, "opportunities", c.req.valid("query"));
  return c.json({ opportunities: page.items.map(toApiOpportunity), nextCursor: page.nextCursor }, 200);
};

export const listEventsHandler: RouteHandler<typeof listEvents, AppEnv> = async (c) => {
  const page = await newestFirst(c, events, "events", c.req.valid("query"));
  return c.json({ events: page.items.map(toApiEvent), nextCursor: page.nextCursor }, 200);
};
