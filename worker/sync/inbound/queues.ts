import type { InboundBatchMessage } from "./message";

/**
 * Queues an inbound batch: a backfill's on its own queue (sync-backfill), every other inbound
 * message (incremental batches, planning, retries) on sync-inbound. A 50,000-record backfill batch
 * keeps a consumer busy for many seconds; on a queue of its own it never holds up another
 * workspace's ten-record incremental batch, which sync-inbound's consumer takes at once. Backfills
 * take turns among themselves: each batch queues the next one at the back.
 */
export async function queueBatch(env: Env, m: InboundBatchMessage): Promise<void> {
  await (m.kind === "backfill" ? env.BACKFILL_QUEUE : env.INBOUND_QUEUE).send(m);
}
