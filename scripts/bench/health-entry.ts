// The health handler's query builders, bundled by esbuild for Node so that read-api.ts can EXPLAIN
// and time the very SQL they produce. Nothing here runs in the Worker.
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../../worker/db/index.ts";
import { runs } from "../../worker/db/schema/index.ts";
import { reasonCountsFromRecords } from "../../worker/sync/runs/store.ts";

export { last24hQuery, topReasonsQuery } from "../../worker/api/health/health.queries.ts";
export { listRunsQuery } from "../../worker/api/runs/runs.queries.ts";

import { dbOver } from "../../worker/db/index.ts";

/** Drizzle over the binding the bench hands in (the name every bench revision's entry exports). */
export const getDb = (env: { DB: D1Database }) => dbOver(env.DB);

/**
 * The reason counts a close stores (recountRun's own expression), set on every closed run of a
 * workspace whose history the bench seeded directly, so health reads what production leaves.
 */
export function storeClosedRunReasons(db: Db, workspaceId: string) {
  return db
    .update(runs)
    .set({ reasonCounts: reasonCountsFromRecords(runs.id) })
    .where(and(eq(runs.workspaceId, workspaceId), ne(runs.status, "in_progress")));
}
