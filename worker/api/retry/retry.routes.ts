import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";
import { runSchema } from "../runs/runs.schemas";

export const retryAnswerSchema = z.object({ run: runSchema });

export const retryRun = createRoute({
  method: "post",
  path: "/sync/runs/{id}/retry",
  tags: ["Sync activity"],
  summary: "Retry the run's failed records (a new run of kind retry)",
  security: workspaceSecurity,
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    202: json(retryAnswerSchema, "The retry run, queued"),
    ...errorResponses,
    409: json(
      errorSchema,
      "run_in_progress: the run has not finished; already_retried: its failed records were already retried (details.retryRunId names that run); nothing_to_retry: it has no failed records; creates_waiting: some of its records would be created in a Salesforce org connected since, whose first sync has not finished (new records wait for it)",
    ),
  },
});
