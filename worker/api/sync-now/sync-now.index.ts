import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { createRouter } from "../../app";
import { shardDb } from "../../db";
import { connections } from "../../db/schema";
import type { AppEnv } from "../../env";
import { planCycle } from "../../sync/inbound";
import { ApiError } from "../errors";
import { syncNow } from "./sync-now.routes";

const syncNowHandler: RouteHandler<typeof syncNow, AppEnv> = async (c) => {
  const workspaceId = c.get("workspaceId");
  const conn = await shardDb(c.var.shardEnv)
    .select({ status: connections.status })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .get();
  if (!conn) throw new ApiError(409, "not_connected", "Connect Salesforce before syncing");
  if (conn.status !== "connected")
    throw new ApiError(409, "needs_reconnect", "Reconnect Salesforce from the Overview tab before syncing");
  const plan = await planCycle(c.var.shardEnv, workspaceId);
  if (plan.paused) throw new ApiError(429, "sync_paused", plan.paused);
  return c.json({ queued: plan.queued }, 202);
};

/** "Sync now" on the Overview tab. */
export function createSyncNowRouter() {
  return createRouter().openapi(syncNow, syncNowHandler);
}
