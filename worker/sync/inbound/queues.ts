import type { ShardEnv } from "../../db";
import type { InboundBatchMessage } from "./message";

/**
 * Queues an inbound batch: a backfill's on its own queue (sync-backfill), every other inbound
 * message (incremental batches, planning, retries) on sync-inbound. A 50,000-record backfill batch
 * keeps a consumer busy for many seconds; on a queue of its own it never holds up another
 * workspace's ten-record incremental batch, which sync-inbound's consumer takes at once. Backfills
 * take turns among themselves: each batch queues the next one at the back. A delay: a Bulk job
 * that is not ready yet is looked at again later, without holding an invocation.
 */
export async function queueBatch(env: ShardEnv, m: InboundBatchMessage, delaySeconds = 0): Promise<void> {
  const queue = m.kind === "backfill" ? env.BACKFILL_QUEUE : env.INBOUND_QUEUE;
  await (delaySeconds > 0 ? queue.send(m, { delaySeconds }) : queue.send(m));
}
