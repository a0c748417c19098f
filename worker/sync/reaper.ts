import { and, eq, lt, sql } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../db";
import { commitBatch } from "../db/commit";
import { runs, syncState } from "../db/schema";
import { isoIn } from "../lib/time";
import { failRun } from "./runs";

/** A run that has not reported progress for this long is treated as dead. */
export const STALE_RUN_MS = 5 * 60 * 1000;

export const STALLED_DETAIL =
  "The batch stopped reporting progress and was stopped. Records it had already synced are kept; the next run continues from there.";

/**
 * Ends runs that stopped heartbeating (a crashed or evicted consumer) and frees their object's lease,
 * so no run stays "In progress" forever and the next cycle can pick the object up. What a run had
 * committed stays a Completed run; the stall is a Failed run of its own (runs/fail.ts).
 */
export async function reapStalledRuns(env: ShardEnv, now = Date.now()): Promise<number> {
  const db = shardDb(env);
  const cutoff = new Date(now - STALE_RUN_MS).toISOString();
  const stalled = await db
    .select()
    .from(runs)
    .where(and(eq(runs.status, "in_progress"), lt(runs.heartbeatAt, cutoff)))
    .limit(100)
    .all();
  for (const run of stalled) {
    await commitBatch(db, [
      ...failRun(db, run, { code: "unknown_error", detail: STALLED_DETAIL }),
      db
        .update(syncState)
        .set({ leaseOwner: null, leaseExpiresAt: null })
        .where(
          and(
            eq(syncState.workspaceId, run.workspaceId),
            eq(syncState.salesforceObject, run.salesforceObject),
            // Only a lease nobody has extended since the run went quiet.
            sql`${syncState.leaseExpiresAt} < ${isoIn(0)}`,
          ),
        ),
    ]);
  }
  return stalled.length;
}
