import { onShard, type ShardEnv, shards } from "./db";
import { fanOutPlanning } from "./sync/inbound";
import { sweepOutbox } from "./sync/outbound";
import { reapStalledRuns } from "./sync/reaper";
import { pruneCredentials, pruneHistory } from "./sync/retention";

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One shard's tick: fail stalled runs first so their leases free up, resend outbox rows whose push
 * never happened, queue the planning of every workspace whose interval has passed, and last prune
 * history older than the retention period.
 */
async function tickShard(env: ShardEnv, scheduledTime: number): Promise<void> {
  await reapStalledRuns(env, scheduledTime);
  // Outbound changes whose queue send was lost go out again before anything slower runs.
  await sweepOutbox(env, scheduledTime).catch((err) => console.error("outbox sweep failed", env.shard, message(err)));
  await fanOutPlanning(env, scheduledTime);
  await pruneHistory(env, scheduledTime).catch((err) => console.error("retention failed", env.shard, message(err)));
}

/**
 * The cron tick (every minute): every shard in turn (docs/shards.md), each on its own so one shard's
 * failure never keeps the others from being reaped, swept, planned and pruned; then the directory's
 * spent credentials. A shard that failed still fails the tick, after the others ran, so it is seen.
 */
export async function onSchedule(env: Env, scheduledTime: number): Promise<void> {
  const failed: unknown[] = [];
  for (const shard of shards(env)) {
    try {
      await tickShard(onShard(env, shard), scheduledTime);
    } catch (err) {
      console.error("cron tick failed on shard", shard, message(err));
      failed.push(err);
    }
  }
  await pruneCredentials(env, scheduledTime).catch((err) => console.error("credential pruning failed", message(err)));
  if (failed.length) throw new AggregateError(failed, `cron tick failed on ${failed.length} shard(s)`);
}
