import { and, asc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { inJson } from "../entities";
import { outboundChange } from "./message";
import { releaseLostWakes } from "./wake";

/**
 * A row sent (or claimed by a consumer) this long ago and still not processed is presumed lost:
 * its message died, or its consumer did. Long next to a push (seconds), short next to a user's patience.
 */
export const RESEND_AFTER_MS = 5 * 60 * 1000;

/** Rows one cron tick resends at most; the rest wait for the next tick. */
const SWEEP_LIMIT = 1000;
/** Queues' sendBatch limit. */
const SEND_BATCH = 100;

/**
 * Resends outbox rows whose queue send never happened (the API's send failed after the commit, or a
 * wake lost its message: wake.ts) or whose message was sent but never processed. A duplicate message is harmless: the consumer pushes
 * an entity's current state and skips rows already processed.
 */
export async function sweepOutbox(env: ShardEnv, now = Date.now()): Promise<number> {
  await releaseLostWakes(shardDb(env)).catch((err) =>
    console.error("outbox sweep: lost wakes not released", err instanceof Error ? err.message : String(err)),
  );
  const cutoff = new Date(now - RESEND_AFTER_MS).toISOString();
  return resend(env, and(isNull(outbox.processedAt), or(isNull(outbox.sentAt), lt(outbox.sentAt, cutoff)))!);
}

/**
 * Sends every change of the workspace that waits under no live claim, at once: after the workspace
 * (re)connects Salesforce, what waited for the connection goes out now rather than at the next sweep.
 */
export async function resendWaiting(env: ShardEnv, workspaceId: string, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - RESEND_AFTER_MS).toISOString();
  return resend(
    env,
    and(
      eq(outbox.workspaceId, workspaceId),
      isNull(outbox.processedAt),
      or(isNull(outbox.runId), isNull(outbox.sentAt), lt(outbox.sentAt, cutoff)),
    )!,
  );
}

async function resend(env: ShardEnv, due: SQL): Promise<number> {
  const db = shardDb(env);
  const rows = await db
    .select({ id: outbox.id, workspaceId: outbox.workspaceId })
    .from(outbox)
    .where(due)
    .orderBy(asc(outbox.createdAt))
    .limit(SWEEP_LIMIT)
    .all();
  let sent = 0;
  for (let i = 0; i < rows.length; i += SEND_BATCH) {
    const chunk = rows.slice(i, i + SEND_BATCH);
    try {
      await env.OUTBOUND_QUEUE.sendBatch(chunk.map((r) => ({ body: outboundChange(r.workspaceId, r.id) })));
    } catch (err) {
      // The queue is unwell: stop here; these rows are still unsent and the next tick tries again.
      console.error("outbox sweep: sendBatch failed", err instanceof Error ? err.message : String(err));
      break;
    }
    // Clearing run_id frees a dead consumer's claim so the new message's consumer may take the row;
    // `due` again, so a row some consumer claimed in the meantime keeps its claim.
    await db
      .update(outbox)
      .set({ sentAt: isoNow(), runId: null })
      .where(
        and(
          inJson(
            outbox.id,
            chunk.map((r) => r.id),
          ),
          due,
        ),
      );
    sent += chunk.length;
  }
  return sent;
}
