import { createRouter } from "../../app";
import * as handlers from "./connection.handlers";
import * as routes from "./connection.routes";

/** `/api/v1/connection*`: mounted under the workspace middleware. */
export function createConnectionRouter() {
  return createRouter()
    .openapi(routes.getConnection, handlers.getConnectionHandler)
    .openapi(routes.authorizeConnection, handlers.authorizeConnectionHandler)
    .openapi(routes.deleteConnection, handlers.deleteConnectionHandler);
}

/**
 * The OAuth callback: outside the workspace middleware, because the signed single-use state names
 * the workspace; the browser's page session must be that same workspace's (see consumeState).
 */
export function createOAuthRouter() {
  return createRouter().openapi(routes.oauthCallback, handlers.oauthCallbackHandler);
}
