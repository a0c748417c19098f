import type { RouteHandler } from "@hono/zod-openapi";
import { shardDb } from "../../db";
import type { AppEnv } from "../../env";
import { loadSettings, mergeSettings, saveSettings, withParallelReads } from "../../settings";
import { buildSettingsCatalog } from "../../settings/catalog";
import type { getSettings, getSettingsCatalog, patchSettings } from "./settings.routes";

export const getSettingsHandler: RouteHandler<typeof getSettings, AppEnv> = async (c) =>
  c.json(withParallelReads(await loadSettings(shardDb(c.var.shardEnv), c.get("workspaceId")), c.env), 200);

export const patchSettingsHandler: RouteHandler<typeof patchSettings, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const next = mergeSettings(await loadSettings(db, workspaceId), c.req.valid("json"));
  // Saved as chosen: a workspace that never chose parallelReads follows the deployment's default.
  await saveSettings(db, workspaceId, next);
  return c.json(withParallelReads(next, c.env), 200);
};

export const getSettingsCatalogHandler: RouteHandler<typeof getSettingsCatalog, AppEnv> = async (c) => {
  const { refresh } = c.req.valid("query");
  return c.json(await buildSettingsCatalog(c.var.shardEnv, c.get("workspaceId"), { refresh: refresh === "true" }), 200);
};
