import type { RouteHandler } from "@hono/zod-openapi";
import { createRouter } from "../../app";
import type { AppEnv } from "../../env";
import { startRetry } from "../../sync/retry/start";
import { toApiRun } from "../runs/view";
import { retryRun } from "./retry.routes";

const retryHandler: RouteHandler<typeof retryRun, AppEnv> = async (c) => {
  const run = await startRetry(c.var.shardEnv, c.get("workspaceId"), c.req.valid("param").id);
  return c.json({ run: toApiRun(run) }, 202);
};

/** "Retry failed records" on a run. */
export function createRetryRouter() {
  return createRouter().openapi(retryRun, retryHandler);
}
