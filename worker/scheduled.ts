import { dueWorkspaces, planCycle } from "./sync/inbound";
import { reapStalledRuns } from "./sync/reaper";

/**
 * The cron tick (every minute): fail stalled runs first so their leases free up, then start an
 * inbound cycle for every workspace whose interval has passed.
 */
export async function onSchedule(env: Env, scheduledTime: number): Promise<void> {
  await reapStalledRuns(env, scheduledTime);
  for (const workspaceId of await dueWorkspaces(env, scheduledTime)) {
    try {
      await planCycle(env, workspaceId);
    } catch (err) {
      // One workspace's trouble must not stop the others' syncs.
      console.error("planning failed", workspaceId, err instanceof Error ? err.message : String(err));
    }
  }
}
