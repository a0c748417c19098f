import { createRouter } from "../../app";
import * as handlers from "./settings.handlers";
import * as routes from "./settings.routes";

export function createSettingsRouter() {
  return createRouter()
    .openapi(routes.getSettings, handlers.getSettingsHandler)
    .openapi(routes.getSettingsCatalog, handlers.getSettingsCatalogHandler)
    .openapi(routes.patchSettings, handlers.patchSettingsHandler);
}
