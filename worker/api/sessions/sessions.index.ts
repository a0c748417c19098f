import { createRouter } from "../../app";
import * as handlers from "./sessions.handlers";
import * as routes from "./sessions.routes";

/** Launch links for the hosted page and the session they open. */
export function createSessionsRouter() {
  return createRouter()
    .openapi(routes.createSession, handlers.createSessionHandler)
    .openapi(routes.currentSession, handlers.currentSessionHandler);
}

/** `GET /launch`: outside /api/v1 because the browser opens it directly. */
export function createLaunchRouter() {
  return createRouter().openapi(routes.launch, handlers.launchHandler);
}
