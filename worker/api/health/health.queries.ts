import { and, asc, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { connections, describeCache, RUN_DIRECTIONS, runs, syncState } from "../../db/schema";
import { reasonCountsFromRecords } from "../../sync/runs/store";

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
 * Skipped/failed records of those runs grouped by reason, most frequent first (ties by code, then
 * direction and status). Each run is read once, through runs_ws_dir_started (`direction IN (both)`
 * lets it seek the time range): a closed run contributes the reason counts its close stored, so the
 * cost follows the number of runs in the window, not their records; a run with none stored (in
 * progress, or closed before migration 0003) is counted live from its records by the same SQL
 * recountRun stores (COALESCE only evaluates it for those), so the numbers are exact either way.
 */
export function topReasonsQuery(db: Db, workspaceId: string, since: string, limit = 5) {
  const status = sql<"skipped" | "failed">`reason.value ->> 0`;
  const code = sql<string>`reason.value ->> 1`;
  const count = sql<number>`sum(reason.value ->> 2)`.as("count");
  return db
    .select({ direction: runs.direction, status, code, count })
    .from(runs)
    .crossJoin(sql`json_each(coalesce(${runs.reasonCounts}, ${reasonCountsFromRecords(runs.id)})) AS reason`)
    .where(
      and(eq(runs.workspaceId, workspaceId), inArray(runs.direction, [...RUN_DIRECTIONS]), gte(runs.startedAt, since)),
    )
    .groupBy(runs.direction, status, code)
    .orderBy(desc(sql`count`), asc(code), asc(runs.direction), asc(status))
    .limit(limit);
}

export function connectionQuery(db: Db, workspaceId: string) {
  return db.select().from(connections).where(eq(connections.workspaceId, workspaceId)).limit(1);
}

/** The workspace's inbound objects: when each was last checked and planned, and whether a chain holds it (primary key prefix). */
export function syncStateQuery(db: Db, workspaceId: string) {
  return db
    .select({
      salesforceObject: syncState.salesforceObject,
      lastCheckedAt: syncState.lastCheckedAt,
      watermarkReadAt: syncState.watermarkReadAt,
      lastPlannedAt: syncState.lastPlannedAt,
      leaseOwner: syncState.leaseOwner,
      leaseExpiresAt: syncState.leaseExpiresAt,
    })
    .from(syncState)
    .where(eq(syncState.workspaceId, workspaceId));
}

/** The workspace's cached describes (one row per object, by primary key): what the integration user can read. */
export function describeCacheQuery(db: Db, workspaceId: string) {
  return db
    .select({
      salesforceObject: describeCache.salesforceObject,
      orgId: describeCache.orgId,
      json: describeCache.json,
    })
    .from(describeCache)
    .where(eq(describeCache.workspaceId, workspaceId));
}
