import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { createBaseApp, createRouter } from "../app";
import { requireWorkspace } from "../auth/middleware";
import { limitFailedAuthentication } from "../rate-limits";
import { createAdminRouter } from "./admin/admin.index";
import { createCatalogRouter } from "./catalog/catalog.index";
import { createCompaniesRouter } from "./companies/companies.index";
import { createConnectionRouter, createOAuthRouter } from "./connection/connection.index";
import { createContactsRouter } from "./contacts/contacts.index";
import { registerOpenApi } from "./contract";
import { ApiError } from "./errors";
import { createHealthRouter } from "./health/health.index";
import { createPushRouter, createPushSettingsRouter } from "./push/push.index";
import { createReconcileRouter } from "./reconcile/reconcile.index";
import { createRetryRouter } from "./retry/retry.index";
import { createRunsRouter } from "./runs/runs.index";
import { createLaunchRouter, createSessionsRouter } from "./sessions/sessions.index";
import { createSettingsRouter } from "./settings/settings.index";
import { createSyncNowRouter } from "./sync-now/sync-now.index";
import { createTotalsRouter } from "./totals/totals.index";

const MAX_BODY_BYTES = 1024 * 1024;

/** The whole HTTP surface; production (worker/index.ts) and every test build it with this. */
export function createApp() {
  const app = createBaseApp();
  // X-Frame-Options says what frame-ancestors says, for browsers that only read the older header.
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      xFrameOptions: "DENY",
    }),
  );
  // Every answer is one workspace's data or a credential (Set-Cookie, launch links): no cache keeps a copy.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  // Inside the two above, so a 401 turned into a 429 still gets their headers.
  app.use("*", limitFailedAuthentication());
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `Request body is larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const v1 = createRouter();
  v1.route("/", createAdminRouter());
  v1.route("/", createLaunchRouter());
  v1.route("/", createPushRouter());
  const workspaceScoped = createRouter();
  workspaceScoped.use("*", requireWorkspace());
  workspaceScoped.route("/", createSessionsRouter());
  workspaceScoped.route("/", createSettingsRouter());
  workspaceScoped.route("/", createPushSettingsRouter());
  workspaceScoped.route("/", createConnectionRouter());
  workspaceScoped.route("/", createSyncNowRouter());
  workspaceScoped.route("/", createRunsRouter());
  workspaceScoped.route("/", createRetryRouter());
  workspaceScoped.route("/", createReconcileRouter());
  workspaceScoped.route("/", createHealthRouter());
  workspaceScoped.route("/", createTotalsRouter());
  workspaceScoped.route("/", createContactsRouter());
  workspaceScoped.route("/", createCompaniesRouter());
  workspaceScoped.route("/", createCatalogRouter());
  v1.route("/", workspaceScoped);

  registerOpenApi(app);
  app.route("/api/v1", v1);
  app.route("/", createOAuthRouter());
  return app;
}
