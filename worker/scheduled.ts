import { fanOutPlanning } from "./sync/inbound";
import { sweepOutbox } from "./sync/outbound";
import { reapStalledRuns } from "./sync/reaper";
import { pruneHistory } from "./sync/retention";

/**
 * The cron tick (every minute): fail stalled runs first so their leases free up, resend outbox
 * rows whose push never happened, queue the planning of every workspace whose interval has
 * passed, and last prune history older than the retention period.
 */
export async function onSchedule(env: Env, scheduledTime: number): Promise<void> {
  await reapStalledRuns(env, scheduledTime);
  // Outbound changes whose queue send was lost go out again before anything slower runs.
  await sweepOutbox(env, scheduledTime).catch((err) =>
    console.error("outbox sweep failed", err instanceof Error ? err.message : String(err)),
  );
  await fanOutPlanning(env, scheduledTime);
  await pruneHistory(env, scheduledTime).catch((err) =>
    console.error("retention failed", err instanceof Error ? err.message : String(err)),
  );
}
