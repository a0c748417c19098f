import { createRouter } from "../../app";
import * as handlers from "./sessions.handlers";
import * as routes from "./sessions.routes";

/** Launch links, the page session they open, and signing out: mounted under the workspace middleware. */
export function createSessionsRouter() {
  return createRouter()
    .openapi(routes.createSession, handlers.createSessionHandler)
    .openapi(routes.currentSession, handlers.currentSessionHandler)
    .openapi(routes.logout, handlers.logoutHandler);
}

/**
 * `POST /api/v1/session/launch`: the page at /launch exchanges the token from its URL's fragment for
 * the session cookie. Mounted before the workspace middleware: the token is the credential.
 */
export function createLaunchRouter() {
  return createRouter().openapi(routes.exchangeLaunchToken, handlers.exchangeLaunchTokenHandler);
}
