import type { ShardEnv } from "../../db";
import { outboundChanges } from "./message";

/** Outbox ids one message names at most: ~30 KB, far below a message's 128 KB. */
const IDS_PER_MESSAGE = 1000;
/** Queues' sendBatch limits: 100 messages and 256 KB; kept below the bytes with room for metadata. */
const SEND_BATCH = 100;
const SEND_BATCH_BYTES = 200_000;

export interface Rescheduled {
  workspaceId: string;
  ids: string[];
  delaySeconds: number;
  round: number;
}

/**
 * Sends each group's wake message (the rows it names) to the outbound queue, delayed until they are due
 * (`delaySeconds`, whole seconds: the queue's resolution). Answers per group whether it was sent;
 * a group whose send failed is retried by the caller instead, so no change depends on a lost send.
 */
export async function sendRescheduled(env: ShardEnv, groups: Rescheduled[]): Promise<boolean[]> {
  const requests = groups.flatMap((g, index) => {
    const out: { index: number; request: MessageSendRequest; bytes: number }[] = [];
    for (let i = 0; i < g.ids.length; i += IDS_PER_MESSAGE) {
      const body = outboundChanges(g.workspaceId, g.ids.slice(i, i + IDS_PER_MESSAGE), g.round);
      const bytes = JSON.stringify(body).length + 100;
      out.push({ index, request: { body, delaySeconds: Math.min(g.delaySeconds, 3600) }, bytes });
    }
    return out;
  });
  const sent = groups.map(() => true);
  let chunk: typeof requests = [];
  let bytes = 0;
  const flush = async () => {
    if (!chunk.length) return;
    const part = chunk;
    chunk = [];
    bytes = 0;
    try {
      await env.OUTBOUND_QUEUE.sendBatch(part.map((p) => p.request));
    } catch (err) {
      console.error("outbound re-schedule failed", err instanceof Error ? err.message : String(err));
      for (const p of part) sent[p.index] = false;
    }
  };
  for (const r of requests) {
    if (chunk.length === SEND_BATCH || bytes + r.bytes > SEND_BATCH_BYTES) await flush();
    chunk.push(r);
    bytes += r.bytes;
  }
  await flush();
  return sent;
}
