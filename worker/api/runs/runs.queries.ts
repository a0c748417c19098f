import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { type RunDirection, type RunStatus, runs } from "../../db/schema";

// The SQL behind the Sync activity reads, as unexecuted drizzle queries: handlers run them and
// test/workers/read-api-plans.test.ts runs EXPLAIN QUERY PLAN on the very same `.toSQL()`.
// Every query filters by workspace_id and walks an index in its ORDER BY order (keyset, no OFFSET).

export interface RunFilters {
  direction?: string;
  objectType?: string;
  status?: string;
  /** Runs with failures (failed, or with failed records) or with skipped records. */
  has?: "failed" | "skipped";
  /** Inclusive lower bound on started_at. */
  from?: string;
  /** Exclusive upper bound on started_at. */
  before?: string;
}

/**
 * The conditions of the partial indexes runs_ws_failures_started and runs_ws_skips_started, word for
 * word: SQLite uses a partial index only when the query repeats its condition.
 */
export const RUNS_WITH = {
  failed: sql`(${runs.failed} > 0 OR ${runs.status} = 'failed')`,
  skipped: sql`${runs.skipped} > 0`,
} as const;

/** A position in a list sorted by (startedAt, id). */
export type RunKey = readonly [startedAt: string, id: string];

/** Runs newest first, after `cursor` (exclusive), through one of the runs_ws_*_started indexes (partial ones for `has`). */
export function listRunsQuery(db: Db, workspaceId: string, f: RunFilters, cursor: RunKey | null, limit: number) {
  const where: (SQL | undefined)[] = [eq(runs.workspaceId, workspaceId)];
  if (f.direction) where.push(eq(runs.direction, f.direction as RunDirection));
  if (f.objectType) where.push(eq(runs.objectType, f.objectType));
  if (f.status) where.push(eq(runs.status, f.status as RunStatus));
  if (f.has) where.push(RUNS_WITH[f.has]);
  // Without statistics SQLite rates a two-sided range on started_at above the filter's own equality and
  // would walk runs_ws_started, reading every other run in the window. Two things keep it on the filter's
  // index: the lower bound is declared unselective (true of a newest-first walk: most rows we reach are
  // after `from`), and `to` and the cursor are folded into a single row-value upper bound.
  if (f.from) where.push(sql`likelihood(${runs.startedAt} >= ${f.from}, 0.9)`);
  const upper = lowerKey(cursor, f.before === undefined ? null : [f.before, ""]);
  if (upper) where.push(sql`(${runs.startedAt}, ${runs.id}) < (${upper[0]}, ${upper[1]})`);
  return db
    .select()
    .from(runs)
    .where(and(...where))
    .orderBy(desc(runs.startedAt), desc(runs.id))
    .limit(limit);
}

function lowerKey(a: RunKey | null, b: RunKey | null): RunKey | null {
  if (!a || !b) return a ?? b;
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) ? a : b;
}

export function runByIdQuery(db: Db, workspaceId: string, id: string) {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.id, id), eq(runs.workspaceId, workspaceId)))
    .limit(1);
}
