import { createRoute } from "@hono/zod-openapi";
import { settingsPatchSchema, settingsSchema } from "../../settings";
import { errorResponses, json, workspaceSecurity } from "../common";
import { settingsCatalogQuery, settingsCatalogSchema } from "./catalog.schemas";

export const getSettings = createRoute({
  method: "get",
  path: "/settings",
  tags: ["Settings"],
  security: workspaceSecurity,
  responses: { 200: json(settingsSchema, "The workspace's sync settings"), 401: errorResponses[401] },
});

export const patchSettings = createRoute({
  method: "patch",
  path: "/settings",
  tags: ["Settings"],
  security: workspaceSecurity,
  request: { body: { ...json(settingsPatchSchema, "The fields to change; nested objects merge"), required: true } },
  responses: { 200: json(settingsSchema, "The settings after the change"), ...errorResponses },
});

export const getSettingsCatalog = createRoute({
  method: "get",
  path: "/settings/catalog",
  tags: ["Settings"],
  summary: "The field lists (Conversion's and the org's, from describe) with labels, for the Settings screen",
  security: workspaceSecurity,
  request: { query: settingsCatalogQuery },
  responses: {
    200: json(
      settingsCatalogSchema,
      "Conversion's fields, and the org's per object (empty with a reason when it cannot be read)",
    ),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});
