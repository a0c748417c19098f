import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { shardDb } from "../../db";
import { connections } from "../../db/schema";
import type { AppEnv } from "../../env";
import { loadSettings } from "../../settings";
import { cycleOrder } from "../../sync/objects";
import { reconcilesInProgress, startReconcile } from "../../sync/reconcile";
import { ApiError, fieldError } from "../errors";
import { toApiRun } from "../runs/view";
import type { startReconcileRoute } from "./reconcile.routes";

export const startReconcileHandler: RouteHandler<typeof startReconcileRoute, AppEnv> = async (c) => {
  const workspaceId = c.get("workspaceId");
  const db = shardDb(c.var.shardEnv);
  const body = (c.req.valid("json") ?? {}) as { objects?: string[]; confirmDeletes?: boolean };
  const settings = await loadSettings(db, workspaceId);
  const known = cycleOrder(settings.eventObject);
  const enabled = known.filter((o) => settings.objects[o]?.enabled);
  const asked = body.objects ?? enabled;
  asked.forEach((object, i) => {
    if (!known.includes(object))
      throw fieldError(
        "body",
        `objects.${i}`,
        `'${object}' is not a Salesforce object the sync knows (${known.join(", ")})`,
      );
    if (!enabled.includes(object)) throw fieldError("body", `objects.${i}`, `${object} is not enabled in the settings`);
  });
  const conn = await db
    .select({ status: connections.status })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .get();
  if (!conn) throw new ApiError(409, "not_connected", "Connect Salesforce before checking against it");
  if (conn.status !== "connected")
    throw new ApiError(409, "needs_reconnect", "Reconnect Salesforce from the Overview tab before checking against it");
  const running = await reconcilesInProgress(db, workspaceId);
  if (running.length)
    throw new ApiError(
      409,
      "reconcile_in_progress",
      "A check against Salesforce is already running; wait for it to finish",
      {
        runIds: running.map((r) => r.id),
      },
    );
  const runs = await startReconcile(c.var.shardEnv, workspaceId, [...new Set(asked)], body.confirmDeletes === true);
  return c.json({ runs: runs.map(toApiRun) }, 202);
};
