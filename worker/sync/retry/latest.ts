import { and, desc, eq, gte } from "drizzle-orm";
import type { Db } from "../../db";
import { runs } from "../../db/schema";
import type { RunRow } from "../runs";

/** What the run detail and the retry endpoint need to know of a run's retry. */
export interface RetryRef {
  id: string;
  status: RunRow["status"];
}

/**
 * The newest retry run of `original`. A retry starts after its original and has the same object
 * type, so the lookup walks only runs_ws_obj_started from the original's start on, never the
 * workspace's older history (runs has no index on retry_of).
 */
export function latestRetryQuery(db: Db, original: Pick<RunRow, "id" | "workspaceId" | "objectType" | "startedAt">) {
  return db
    .select({ id: runs.id, status: runs.status })
    .from(runs)
    .where(
      and(
        eq(runs.workspaceId, original.workspaceId),
        eq(runs.objectType, original.objectType),
        gte(runs.startedAt, original.startedAt),
        eq(runs.retryOf, original.id),
      ),
    )
    .orderBy(desc(runs.startedAt), desc(runs.id))
    .limit(1);
}

export async function latestRetry(
  db: Db,
  original: Pick<RunRow, "id" | "workspaceId" | "objectType" | "startedAt">,
): Promise<RetryRef | null> {
  return (await latestRetryQuery(db, original).get()) ?? null;
}

/**
 * Whether a run's failed records are already being (or were) retried. A retry that failed as a whole
 * (say, authentication failure) applied nothing, so the original may be retried again after it.
 */
export function isRetried(latest: RetryRef | null): latest is RetryRef {
  return latest !== null && latest.status !== "failed";
}
