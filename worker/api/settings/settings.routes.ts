import { createRoute } from "@hono/zod-openapi";
import { settingsPatchSchema, settingsSchema } from "../../settings";
import { errorResponses, json, workspaceSecurity } from "../common";

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
