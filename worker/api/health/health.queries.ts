import { and, asc, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { connections, runRecords, runs } from "../../db/schema";

// The Recent sync health card's SQL, as unexecuted drizzle queries so that
// test/workers/read-api-plans.test.ts can EXPLAIN exactly what the handler runs.
// "Last 24 h" means runs started in the window: the same runs Sync activity lists for that period.

/** Failed runs, and skipped/failed records by the runs' own counts, through runs_ws_started. */
export function last24hQuery(db: Db, workspaceId: string, since: string) {
  return db
    .select({
      failedRuns: sql<number>`coalesce(sum(${runs.status} = 'failed'), 0)`,
      failedRecords: sql<number>`coalesce(sum(${runs.failed}), 0)`,
      skippedRecords: sql<number>`coalesce(sum(${runs.skipped}), 0)`,
    })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), gte(runs.startedAt, since)));
}

/**
 * Skipped/failed records of those runs grouped by reason, most frequent first. The CROSS JOIN fixes
 * the join order (runs in the window, then only their skipped/failed records via run_records_run_counts),
 * and `direction IN (both)` lets runs_ws_dir_started seek the time range instead of reading every run.
 */
export function topReasonsQuery(db: Db, workspaceId: string, since: string, limit = 5) {
  const count = sql<number>`count(*)`.as("count");
  return db
    .select({ direction: runs.direction, status: runRecords.status, code: runRecords.reasonCode, count })
    .from(runs)
    .crossJoin(runRecords)
    .where(
      and(
        eq(runs.workspaceId, workspaceId),
        inArray(runs.direction, ["inbound", "outbound"]),
        gte(runs.startedAt, since),
        eq(runRecords.runId, runs.id),
        inArray(runRecords.status, ["skipped", "failed"]),
        eq(runRecords.workspaceId, workspaceId),
        isNotNull(runRecords.reasonCode),
      ),
    )
    .groupBy(runs.direction, runRecords.status, runRecords.reasonCode)
    .orderBy(desc(sql`count`), asc(runRecords.reasonCode))
    .limit(limit);
}

export function connectionQuery(db: Db, workspaceId: string) {
  return db.select().from(connections).where(eq(connections.workspaceId, workspaceId)).limit(1);
}
