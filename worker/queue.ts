import { failDeadLetter } from "./sync/dead-letter";
import { isInboundBatch, isPlanCycle, planCycle, runInboundBatch } from "./sync/inbound";
import { runInboundRetry } from "./sync/inbound/retry";
import { isOrgUnlink, runUnlinkStep } from "./sync/org";
import { isOutboundChange, isOutboundRetry, pushGroup, runOutboundBatch } from "./sync/outbound";
import { isPushCycle, runPushCycle } from "./sync/push";
import { isReconcile, runReconcileStep } from "./sync/reconcile";
import { isInboundRetry } from "./sync/retry/message";

type Outcome = { retryDelaySeconds: number } | { done: true; claimed?: boolean };

/** One message that is processed on its own (inbound batches, retries). */
async function runSingle(env: Env, message: Message<unknown>): Promise<Outcome> {
  const body = message.body;
  if (isInboundBatch(body)) return runInboundBatch(env, body, message.attempts);
  if (isInboundRetry(body)) return runInboundRetry(env, body, message.attempts);
  if (isReconcile(body)) return runReconcileStep(env, body, message.attempts);
  if (isPushCycle(body)) return runPushCycle(env, body);
  if (isOrgUnlink(body)) return runUnlinkStep(env, body);
  if (isPlanCycle(body)) {
    await planCycle(env, body.workspaceId);
    return { done: true };
  }
  if (isOutboundRetry(body)) {
    return pushGroup(env, {
      workspaceId: body.workspaceId,
      type: body.entityType,
      outboxIds: body.outboxIds,
      pending: true,
      attempts: message.attempts,
      batchKey: body.batchKey,
      onlyIds: body.outboxIds,
    });
  }
  console.error(
    "unknown queue message",
    typeof body === "object" && body ? (body as { type?: unknown }).type : typeof body,
  );
  return { done: true };
}

/** Routes each queue's messages to its consumer; acks or retries message by message. */
export async function onQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith("dead-letter")) {
    for (const message of batch.messages) {
      await failDeadLetter(env, message.body);
      message.ack();
    }
    return;
  }
  // Outbound changes are pushed together (grouped by workspace × object type), not one by one.
  const outbound = batch.messages.filter((m) => isOutboundChange(m.body));
  if (outbound.length) await runOutboundBatch(env, outbound);
  for (const message of batch.messages) {
    if (isOutboundChange(message.body)) continue;
    const result = await runSingle(env, message);
    if ("retryDelaySeconds" in result) message.retry({ delaySeconds: result.retryDelaySeconds });
    else message.ack();
  }
}
