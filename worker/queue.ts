import { isInboundBatch, runInboundBatch } from "./sync/inbound";
import { failDeadLetter } from "./sync/dead-letter";
import { isOutboundChange, runOutboundBatch } from "./sync/outbound";

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
    if (!isInboundBatch(message.body)) {
      console.error("unknown message on", batch.queue);
      message.ack();
      continue;
    }
    const result = await runInboundBatch(env, message.body, message.attempts);
    if ("retryDelaySeconds" in result) message.retry({ delaySeconds: result.retryDelaySeconds });
    else message.ack();
  }
}
