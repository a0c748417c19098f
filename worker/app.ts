import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { withContract } from "./api/contract";
import { ApiError, defaultHook, errorBody, fromHttpStatus, fromRefusal } from "./api/errors";
import { ConfigError } from "./config";
import type { AppEnv } from "./env";
import { Refusal } from "./lib/refusal";

/**
 * A router with the project's validation hook, so every route answers bad input the same way, and
 * whose `openapi()` registers each route with its contract (withContract): the shared checks run
 * for it and every error status they can answer is in the OpenAPI document.
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({ strict: false, defaultHook });
  const register = router.openapi;
  router.openapi = ((route, handler, hook) => register(withContract(route), handler, hook)) as typeof register;
  return router;
}

/**
 * The app every router is mounted on: the error handler (one error shape for every failure) and the
 * 404 for unknown paths. worker/api's createApp adds the middleware and routes.
 */
export function createBaseApp() {
  const app = createRouter();
  app.onError((err, c) => {
    const known =
      err instanceof HTTPException
        ? fromHttpStatus(err.status, err.message)
        : err instanceof Refusal
          ? fromRefusal(err)
          : err;
    if (known instanceof ApiError) {
      return c.json(errorBody(known.code, known.message, known.details), known.status, known.headers);
    }
    if (err instanceof ConfigError) {
      // The operator's to fix, and said as such: which variable, and what it must be. Never a secret's value.
      console.error("server misconfigured", err.variable);
      return c.json(
        errorBody("server_misconfigured", `The server is misconfigured: ${err.message}`, { variable: err.variable }),
        500,
      );
    }
    if (err instanceof SyntaxError) return c.json(errorBody("invalid_request", "Malformed JSON body"), 400);
    console.error("unhandled error", err instanceof Error ? err.message : String(err));
    return c.json(errorBody("internal_error", "Something went wrong on our side"), 500);
  });
  app.notFound((c) =>
    c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404),
  );
  return app;
}
