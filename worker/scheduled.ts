import { dueWorkspaces, planCycle } from "./sync/inbound";
import { sweepOutbox } from "./sync/outbound";
import { reapStalledRuns } from "./sync/reaper";
import { pruneHistory } from "./sync/retention";

/**
 * The cron tick (every minute): fail stalled runs first so their leases free up, resend outbox
 * rows whose push never happened, start an inbound cycle for every workspace whose interval has
 * passed, and last prune history older than the retention period.
 */
export async function onSchedule(env: Env, scheduledTime: number): Promise<void> {
  await reapStalledRuns(env, scheduledTime);
  // Outbound changes whose queue send was lost go out again before anything slower runs.
  await sweepOutbox(env, scheduledTime).catch((err) => console.error("outbox sweep failed", err instanceof Error ? err.message : String(err)));
  for (const workspaceId of await dueWorkspaces(env, scheduledTime)) {
    try {
      await planCycle(env, workspaceId);
    } catch (err) {
      // One workspace's trouble must not stop the others' syncs.
      console.error("planning failed", workspaceId, err instanceof Error ? err.message : String(err));
    }
  }
  await pruneHistory(env, scheduledTime).catch((err) => console.error("retention failed", err instanceof Error ? err.message : String(err)));
}
