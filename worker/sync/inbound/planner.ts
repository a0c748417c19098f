import { and, eq, inArray } from "drizzle-orm";
import { type Db, type ShardEnv, shardDb } from "../../db";
import { syncState, workspaces } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { budgetStatusRechecked } from "../../salesforce";
import { loadSettings } from "../../settings";
import { acquireLease } from "../leases";
import { cycleOrder, type ObjectType, objectTypeOf } from "../objects";
import { startUnlink } from "../org";
import { firstBatch, lookbackSeconds } from "./chain";
import { queueBatch } from "./queues";

export interface PlanResult {
  workspaceId: string;
  queued: ObjectType[];
  paused: string | null;
}

/**
 * Starts one inbound cycle for a workspace: takes the lease of every enabled object that is not
 * already syncing, then queues the first of them; each chain hands over to the next object when
 * it finishes, so accounts land before contacts and opportunities before their contact roles.
 */
export async function planCycle(env: ShardEnv, workspaceId: string): Promise<PlanResult> {
  const db = shardDb(env);
  // Another org was connected and the old org's links are still being removed: nothing syncs until
  // they are (the job plans a cycle when done). Queued again here in case its message was lost.
  const org = await db
    .select({ unlinking: workspaces.unlinkingOrgId })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .get();
  if (org?.unlinking) {
    // Counted as planned, so the cron asks again one interval later, not at every tick (each ask
    // would start another chain of unlink messages).
    await db.update(syncState).set({ lastPlannedAt: isoNow() }).where(eq(syncState.workspaceId, workspaceId));
    await startUnlink(env, workspaceId);
    return { workspaceId, queued: [], paused: null };
  }
  const settings = await loadSettings(db, workspaceId);
  // Paused for the org's limit: each cycle (one interval apart) reads /limits again, and syncs as
  // soon as the margin is back.
  const budget = await budgetStatusRechecked(
    env,
    workspaceId,
    settings.apiDailyBudget,
    settings.syncIntervalMinutes * 60_000 - 5_000,
  );
  if (budget.paused) return { workspaceId, queued: [], paused: budget.reason };

  const cycleId = newId("cyc");
  const objects: string[] = [];
  for (const object of cycleOrder(settings.eventObject)) {
    if (!settings.objects[object]?.enabled) continue;
    if (await acquireLease(db, workspaceId, object, cycleId)) objects.push(object);
  }
  if (objects.length) {
    await clearPause(db, workspaceId, objects);
    const [first, ...rest] = objects;
    await queueBatch(env, await firstBatch(db, workspaceId, first!, cycleId, rest, lookbackSeconds(env)));
  }
  const queued = [
    ...new Set(objects.map((o) => objectTypeOf(o, settings.eventObject)).filter((t): t is ObjectType => t !== null)),
  ];
  return { workspaceId, queued, paused: null };
}

function clearPause(db: Db, workspaceId: string, objects: string[]) {
  return db
    .update(syncState)
    .set({ pausedReason: null })
    .where(and(eq(syncState.workspaceId, workspaceId), inArray(syncState.salesforceObject, objects)));
}

/** The shard's connected workspaces whose interval has passed since their last planned cycle: one query. */
export async function dueWorkspaces(env: ShardEnv, now: number): Promise<string[]> {
  const { results } = await shardDb(env)
    .$client.prepare(
      `SELECT c.workspace_id AS workspaceId,
            coalesce(json_extract(s.json, '$.syncIntervalMinutes'), 5) AS intervalMinutes,
            (SELECT max(st.last_planned_at) FROM sync_state st WHERE st.workspace_id = c.workspace_id) AS lastPlannedAt
     FROM connections c LEFT JOIN settings s ON s.workspace_id = c.workspace_id
     WHERE c.status = 'connected'`,
    )
    .all<{ workspaceId: string; intervalMinutes: number; lastPlannedAt: string | null }>();
  // A little slack so a cron tick a few seconds early does not skip a whole interval.
  return results
    .filter((r) => !r.lastPlannedAt || now - Date.parse(r.lastPlannedAt) >= r.intervalMinutes * 60_000 - 5_000)
    .map((r) => r.workspaceId);
}

/** Planning a workspace's cycle, as a queue message: the cron fans out instead of planning them all itself. */
export interface PlanCycleMessage {
  type: "plan_cycle";
  workspaceId: string;
}

/**
 * Queues the planning of every due workspace of the shard (100 messages per send, each naming the
 * shard): one cron invocation stays within its D1 and subrequest limits however many workspaces there are.
 */
export async function fanOutPlanning(env: ShardEnv, now: number): Promise<number> {
  const due = await dueWorkspaces(env, now);
  for (let i = 0; i < due.length; i += 100) {
    await env.INBOUND_QUEUE.sendBatch(
      due
        .slice(i, i + 100)
        .map((workspaceId) => ({ body: { type: "plan_cycle", workspaceId } satisfies PlanCycleMessage })),
    );
  }
  return due.length;
}
