import { onShard, type ShardEnv, shardNamed, workspaceEnv } from "./db";
import { failDeadLetter } from "./sync/dead-letter";
import { planCycle, runInboundBatch } from "./sync/inbound";
import { runInboundRetry } from "./sync/inbound/retry";
import { type QueueMessage, readQueueMessage } from "./sync/messages";
import { runUnlinkStep } from "./sync/org";
import { pushGroup, runOutboundBatch } from "./sync/outbound";
import { runPushCycle } from "./sync/push";
import { runReconcileStep } from "./sync/reconcile";

type Outcome = { retryDelaySeconds: number } | { done: true; claimed?: boolean };

/** One message that is processed on its own (inbound batches, retries). */
async function runSingle(env: ShardEnv, body: QueueMessage, attempts: number): Promise<Outcome> {
  switch (body.type) {
    case "inbound_batch":
      return runInboundBatch(env, body, attempts);
    case "inbound_retry":
      return runInboundRetry(env, body, attempts);
    case "inbound_reconcile":
      return runReconcileStep(env, body, attempts);
    case "push_cycle":
      return runPushCycle(env, body);
    case "org_unlink":
      return runUnlinkStep(env, body);
    case "plan_cycle":
      await planCycle(env, body.workspaceId);
      return { done: true };
    case "outbound_retry":
      return pushGroup(env, {
        workspaceId: body.workspaceId,
        type: body.entityType,
        outboxIds: body.outboxIds,
        pending: true,
        attempts,
        batchKey: body.batchKey,
        onlyIds: body.outboxIds,
      });
    case "outbound_change":
      // Pushed together with the batch's other changes (onQueue), never one by one.
      return { done: true };
  }
}

type Admitted = { message: Message<unknown>; body: QueueMessage; env: ShardEnv };

/**
 * The shard the message's workspace is on: the one it names, or (a message sent before shards) one
 * directory read. Null for a shard not bound here or a workspace the directory does not know.
 */
async function shardOf(env: Env, body: QueueMessage, named: string | undefined): Promise<ShardEnv | null> {
  if (named === undefined) return workspaceEnv(env, body.workspaceId);
  const shard = shardNamed(env, named);
  return shard ? onShard(env, shard) : null;
}

/**
 * The batch's messages that are sync messages, with what each holds and the shard it works on. Any
 * other is set aside (acked) with a log line naming its type and what is wrong, never retried: it would
 * be as wrong the next time. A message whose shard could not be looked up (D1 failed) is retried.
 */
async function admit(batch: MessageBatch<unknown>, env: Env): Promise<Admitted[]> {
  const admitted: Admitted[] = [];
  for (const message of batch.messages) {
    const read = readQueueMessage(message.body);
    if (!read.ok) {
      const known = read.problem.startsWith("type:") ? "unknown queue message" : "malformed queue message";
      console.error(`${known} set aside`, batch.queue, read.type, read.problem);
      message.ack();
      continue;
    }
    let on: ShardEnv | null;
    try {
      on = await shardOf(env, read.message, read.shard);
    } catch (err) {
      console.error(
        "queue message's shard lookup failed",
        batch.queue,
        err instanceof Error ? err.message : String(err),
      );
      message.retry();
      continue;
    }
    if (!on) {
      console.error("queue message for no known shard set aside", batch.queue, read.message.type, read.shard ?? "-");
      message.ack();
      continue;
    }
    admitted.push({ message, body: read.message, env: on });
  }
  return admitted;
}

/** Routes each queue's messages to its consumer; acks or retries message by message. */
export async function onQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const admitted = await admit(batch, env);
  if (batch.queue.endsWith("dead-letter")) {
    for (const { message, body, env: on } of admitted) {
      await failDeadLetter(on, body);
      message.ack();
    }
    return;
  }
  // Outbound changes are pushed together (grouped by workspace × object type, so by shard), not one by one.
  const outbound = new Map<string, { env: ShardEnv; messages: Message<unknown>[] }>();
  for (const { message, body, env: on } of admitted) {
    if (body.type !== "outbound_change") continue;
    const group = outbound.get(on.shard) ?? { env: on, messages: [] };
    group.messages.push(message);
    outbound.set(on.shard, group);
  }
  await Promise.all([...outbound.values()].map((group) => runOutboundBatch(group.env, group.messages)));
  for (const { message, body, env: on } of admitted) {
    if (body.type === "outbound_change") continue;
    const result = await runSingle(on, body, message.attempts);
    if ("retryDelaySeconds" in result) message.retry({ delaySeconds: result.retryDelaySeconds });
    else message.ack();
  }
}
