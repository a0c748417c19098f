import { and, eq, inArray } from "drizzle-orm";
import { getDb, type Db } from "../../db";
import { connections, syncState } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { budgetStatus } from "../../salesforce";
import { loadSettings } from "../../settings";
import { acquireLease } from "../leases";
import { cycleOrder, objectTypeOf, type ObjectType } from "../objects";
import { firstBatch } from "./chain";

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
export async function planCycle(env: Env, workspaceId: string): Promise<PlanResult> {
  const db = getDb(env);
  const settings = await loadSettings(db, workspaceId);
  const budget = await budgetStatus(env, workspaceId, settings.apiDailyBudget);
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
    await env.INBOUND_QUEUE.send(await firstBatch(db, workspaceId, first!, cycleId, rest));
  }
  const queued = [...new Set(objects.map((o) => objectTypeOf(o, settings.eventObject)).filter((t): t is ObjectType => t !== null))];
  return { workspaceId, queued, paused: null };
}

function clearPause(db: Db, workspaceId: string, objects: string[]) {
  return db
    .update(syncState)
    .set({ pausedReason: null })
    .where(and(eq(syncState.workspaceId, workspaceId), inArray(syncState.salesforceObject, objects)));
}

/** Connected workspaces whose interval has passed since their last planned cycle. */
export async function dueWorkspaces(env: Env, now: number): Promise<string[]> {
  const db = getDb(env);
  const connected = await db.select({ workspaceId: connections.workspaceId }).from(connections).where(eq(connections.status, "connected")).all();
  const due: string[] = [];
  for (const { workspaceId } of connected) {
    const settings = await loadSettings(db, workspaceId);
    const last = await db
      .select({ at: syncState.lastPlannedAt })
      .from(syncState)
      .where(eq(syncState.workspaceId, workspaceId))
      .all();
    const latest = last.reduce((max, r) => (r.at && r.at > max ? r.at : max), "");
    // A little slack so a cron tick a few seconds early does not skip a whole interval.
    if (!latest || now - Date.parse(latest) >= settings.syncIntervalMinutes * 60_000 - 5_000) due.push(workspaceId);
  }
  return due;
}
