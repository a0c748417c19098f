import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { publicUrl } from "../../config";
import { type ShardEnv, shardDb, workspaceEnv } from "../../db";
import { connections } from "../../db/schema";
import type { AppEnv } from "../../env";
import { loadSettings } from "../../settings";
import { cycleOrder } from "../../sync/objects";
import {
  checkPushSecret,
  OUTBOUND_MESSAGE_ACK,
  readOutboundMessage,
  readPushSecret,
  requestPushCycle,
  rotatePushSecret,
} from "../../sync/push";
import { ApiError, fieldError, unauthorized } from "../errors";
import type { getPushSettingsRoute, pushRoute, rotatePushSecretRoute } from "./push.routes";

const pushUrl = (env: Env, workspaceId: string) =>
  publicUrl(env, `/api/v1/salesforce/push/${encodeURIComponent(workspaceId)}`);

function bearer(header: string | undefined): string | null {
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? null;
}

/** The object the push names, checked against the workspace's settings: known and enabled. */
async function checkedObject(env: ShardEnv, workspaceId: string, object: string, field: string): Promise<string> {
  const settings = await loadSettings(shardDb(env), workspaceId);
  const known = cycleOrder(settings.eventObject);
  const name = known.find((o) => o.toLowerCase() === object.toLowerCase());
  if (!name)
    throw fieldError("body", field, `'${object}' is not a Salesforce object the sync knows (${known.join(", ")})`);
  if (!settings.objects[name]?.enabled) throw fieldError("body", field, `${name} is not enabled in the settings`);
  return name;
}

export const pushHandler: RouteHandler<typeof pushRoute, AppEnv> = async (c) => {
  const { id: workspaceId } = c.req.valid("param");
  const presented = bearer(c.req.header("authorization")) ?? c.req.valid("query").secret ?? null;
  // Salesforce names the workspace in the path: the directory says which shard holds its secret.
  // An unknown workspace is refused as a wrong secret is, so the endpoint tells nobody which ids exist.
  const env = presented ? await workspaceEnv(c.env, workspaceId) : null;
  const db = env ? shardDb(env) : null;
  if (!env || !db || !(await checkPushSecret(env, db, workspaceId, presented!)))
    throw unauthorized("Missing or wrong push secret: copy it from Settings → Salesforce push");
  const conn = await db
    .select({ status: connections.status, orgId: connections.orgId })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .get();
  const soap = /^(text|application)\/xml\b/i.test(c.req.header("content-type") ?? "");
  let object: string;
  if (soap) {
    const message = readOutboundMessage(await c.req.text());
    if (!message) throw fieldError("body", "body", "not a Salesforce Outbound Message (no notifications element)");
    if (message.objects.length !== 1)
      throw fieldError("body", "sObject", "an Outbound Message must carry records of one object (xsi:type)");
    if (conn?.orgId && message.organizationId && message.organizationId.slice(0, 15) !== conn.orgId.slice(0, 15))
      throw new ApiError(
        403,
        "org_mismatch",
        "This Outbound Message came from another Salesforce org than the one connected",
      );
    object = await checkedObject(env, workspaceId, message.objects[0]!, "sObject");
  } else {
    const body = c.req.valid("json") as { object?: string };
    if (!body?.object) throw fieldError("body", "object", "required: the Salesforce object whose records changed");
    object = await checkedObject(env, workspaceId, body.object, "object");
  }
  if (!conn) throw new ApiError(409, "not_connected", "Salesforce is not connected to this workspace");
  if (conn.status !== "connected")
    throw new ApiError(409, "needs_reconnect", "Reconnect Salesforce from the Overview tab; pushes wait until then");
  const { queued } = await requestPushCycle(env, db, workspaceId, object);
  if (soap) return c.body(OUTBOUND_MESSAGE_ACK, 200, { "content-type": "text/xml; charset=utf-8" });
  return c.json({ object, queued }, 202);
};

export const getPushSettingsHandler: RouteHandler<typeof getPushSettingsRoute, AppEnv> = async (c) => {
  const workspaceId = c.get("workspaceId");
  const stored = await readPushSecret(c.env, shardDb(c.var.shardEnv), workspaceId);
  return c.json(
    {
      url: pushUrl(c.env, workspaceId),
      secret: stored?.secret ?? null,
      createdAt: stored?.createdAt ?? null,
      lastUsedAt: stored?.lastUsedAt ?? null,
    },
    200,
  );
};

export const rotatePushSecretHandler: RouteHandler<typeof rotatePushSecretRoute, AppEnv> = async (c) => {
  const workspaceId = c.get("workspaceId");
  const made = await rotatePushSecret(c.env, shardDb(c.var.shardEnv), workspaceId);
  return c.json({ url: pushUrl(c.env, workspaceId), ...made }, 201);
};
