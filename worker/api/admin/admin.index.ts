import { createRouter } from "../../app";
import { requireAdmin } from "../../auth/middleware";
import * as handlers from "./admin.handlers";
import * as routes from "./admin.routes";

/** Operator routes behind ADMIN_TOKEN: provision workspaces and their API keys. */
export function createAdminRouter() {
  const router = createRouter();
  router.use("/admin/*", requireAdmin());
  return router
    .openapi(routes.createWorkspace, handlers.createWorkspaceHandler)
    .openapi(routes.createApiKey, handlers.createApiKeyHandler)
    .openapi(routes.revokeApiKey, handlers.revokeApiKeyHandler);
}
