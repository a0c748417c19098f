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
async function runSingle(env: Env, body: QueueMessage, attempts: number): Promise<Outcome> {
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

/**
 * The batch's messages that are sync messages, with what each holds. Any other is set aside (acked) with
 * a log line naming its type and what is wrong, never retried: it would be as wrong the next time.
 */
function admit(batch: MessageBatch<unknown>): { message: Message<unknown>; body: QueueMessage }[] {
  const admitted: { message: Message<unknown>; body: QueueMessage }[] = [];
  for (const message of batch.messages) {
    const read = readQueueMessage(message.body);
    if (read.ok) {
      admitted.push({ message, body: read.message });
      continue;
    }
    const known = read.problem.startsWith("type:") ? "unknown queue message" : "malformed queue message";
    console.error(`${known} set aside`, batch.queue, read.type, read.problem);
    message.ack();
  }
  return admitted;
}

/** Routes each queue's messages to its consumer; acks or retries message by message. */
export async function onQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const admitted = admit(batch);
  if (batch.queue.endsWith("dead-letter")) {
    for (const { message, body } of admitted) {
      await failDeadLetter(env, body);
      message.ack();
    }
    return;
  }
  // Outbound changes are pushed together (grouped by workspace × object type), not one by one.
  const outbound = admitted.filter(({ body }) => body.type === "outbound_change").map(({ message }) => message);
  if (outbound.length) await runOutboundBatch(env, outbound);
  for (const { message, body } of admitted) {
    if (body.type === "outbound_change") continue;
    const result = await runSingle(env, body, message.attempts);
    if ("retryDelaySeconds" in result) message.retry({ delaySeconds: result.retryDelaySeconds });
    else message.ack();
  }
}
