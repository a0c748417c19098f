import { createRouter } from "../../app";
import * as handlers from "./push.handlers";
import * as routes from "./push.routes";

/** Salesforce's push: authenticated by the workspace's push secret, not by an API key or session. */
export function createPushRouter() {
  return createRouter().openapi(routes.pushRoute, handlers.pushHandler);
}

/** The push endpoint and its secret in Settings. */
export function createPushSettingsRouter() {
  return createRouter()
    .openapi(routes.getPushSettingsRoute, handlers.getPushSettingsHandler)
    .openapi(routes.rotatePushSecretRoute, handlers.rotatePushSecretHandler);
}
