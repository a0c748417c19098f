import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker";
import { apiWithQueue, type Ws } from "./outbound.fixtures";

// What the outbound wake tests share (outbound-wakes*.test.ts): an API whose queue records what it is
// sent, a delivery straight to the Worker's queue handler, and looks at the wakes and pending changes.

export type Sent = { body: any; delaySeconds?: number };

/** The API served with an outbound queue that records what is sent instead of delivering it. */
export function recordingApi() {
  const sent: Sent[] = [];
  const queue = {
    send: async (body: unknown, options?: { delaySeconds?: number }) => {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    sendBatch: async (messages: { body: unknown; delaySeconds?: number }[]) => {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  const request = (ws: Ws, method: string, path: string, body?: unknown) => apiWithQueue(queue, ws, method, path, body);
  return { sent, request };
}

/** Hands messages to the real Worker's queue handler as one delivery; what it acked and retried. */
export async function deliver(bodies: unknown[]) {
  const batch = createMessageBatch(
    "sync-outbound",
    bodies.map((body, i) => ({ id: `w${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

export const wakes = async (ws: Ws) =>
  (
    await env.DB.prepare("SELECT entity_type, due_at FROM outbound_wakes WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ entity_type: string; due_at: string }>()
  ).results;

/** Makes every pending change of the workspace ready: older than the coalescing waits. */
export const age = (ws: Ws) =>
  env.DB.prepare(
    `UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE workspace_id = ? AND processed_at IS NULL`,
  )
    .bind(ws.id)
    .run();

export const pending = async (ws: Ws) =>
  (await env.DB.prepare(
    "SELECT count(*) AS n, count(sent_at) AS stamped FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
  )
    .bind(ws.id)
    .first<{ n: number; stamped: number }>())!;
