import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { runs } from "../../db/schema";

/**
 * A run's start truncated to its UTC quarter hour (`2026-11-29T10:15`). Every time zone's offset is a
 * whole number of quarter hours, so each quarter falls inside one local hour and one local day.
 */
const quarter = sql<string>`substr(${runs.startedAt}, 1, 14) || CASE
    WHEN substr(${runs.startedAt}, 15, 2) < '15' THEN '00'
    WHEN substr(${runs.startedAt}, 15, 2) < '30' THEN '15'
    WHEN substr(${runs.startedAt}, 15, 2) < '45' THEN '30' ELSE '45' END`;

/**
 * Runs started since `since`, summed per quarter hour: the runs' own counts (which equal their
 * records), how many runs and how many failed. One range of runs_ws_started, like the health card's
 * 24-hour totals; the cost follows the runs in the window, not the history behind it. The handler
 * folds the quarters into the viewer's local days and hours.
 */
export function quarterTotalsQuery(db: Db, workspaceId: string, since: string) {
  return db
    .select({
      quarter,
      runs: sql<number>`count(*)`,
      failedRuns: sql<number>`coalesce(sum(${runs.status} = 'failed'), 0)`,
      created: sql<number>`coalesce(sum(${runs.created}), 0)`,
      updated: sql<number>`coalesce(sum(${runs.updated}), 0)`,
      deleted: sql<number>`coalesce(sum(${runs.deleted}), 0)`,
      skipped: sql<number>`coalesce(sum(${runs.skipped}), 0)`,
      failed: sql<number>`coalesce(sum(${runs.failed}), 0)`,
    })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), gte(runs.startedAt, since)))
    .groupBy(quarter);
}
