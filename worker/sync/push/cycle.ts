import { and, eq } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { connections, syncState } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { budgetStatus } from "../../salesforce";
import { loadSettings } from "../../settings";
import { firstBatch, lookbackSeconds } from "../inbound/chain";
import { queueBatch } from "../inbound/queues";
import { acquireLease } from "../leases";
import { type PushCycleMessage, requestPushCycle } from "./request";

/** The run note of a cycle Salesforce asked for (describeRun says so). */
export const PUSHED_NOTE = "salesforce_push";

/**
 * A pushed cycle: one object read incrementally now, as a planned cycle would read it. The mark is
 * cleared first, so a push arriving while this cycle reads queues a cycle of its own (this one may
 * have read past its change). An object another chain is reading waits for it, with a growing delay.
 */
export async function runPushCycle(env: ShardEnv, m: PushCycleMessage): Promise<{ done: true }> {
  const db = shardDb(env);
  await db
    .update(syncState)
    .set({ pushDueAt: null })
    .where(and(eq(syncState.workspaceId, m.workspaceId), eq(syncState.salesforceObject, m.salesforceObject)));
  const settings = await loadSettings(db, m.workspaceId);
  if (!settings.objects[m.salesforceObject]?.enabled) return { done: true };
  const conn = await db
    .select({ status: connections.status })
    .from(connections)
    .where(eq(connections.workspaceId, m.workspaceId))
    .get();
  if (conn?.status !== "connected") return { done: true };
  // Within the budget only; the planned cycles say why syncing paused.
  if ((await budgetStatus(env, m.workspaceId, settings.apiDailyBudget)).paused) return { done: true };
  const cycleId = newId("cyc");
  if (!(await acquireLease(db, m.workspaceId, m.salesforceObject, cycleId, { planned: false }))) {
    const attempt = (m.attempt ?? 0) + 1;
    await requestPushCycle(env, db, m.workspaceId, m.salesforceObject, {
      delaySeconds: Math.min(60, 2 ** attempt),
      attempt,
    });
    return { done: true };
  }
  const batch = await firstBatch(db, m.workspaceId, m.salesforceObject, cycleId, [], lookbackSeconds(env));
  await queueBatch(env, batch.kind === "incremental" ? { ...batch, note: PUSHED_NOTE } : batch);
  return { done: true };
}
