import { createRouter } from "../../app";
import * as handlers from "./catalog.handlers";
import * as routes from "./catalog.routes";

/** Read-only lists of what inbound sync brought in. Mount behind requireWorkspace(). */
export function createCatalogRouter() {
  return createRouter()
    .openapi(routes.listOpportunities, handlers.listOpportunitiesHandler)
    .openapi(routes.listEvents, handlers.listEventsHandler);
}
