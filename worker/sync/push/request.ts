import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db, ShardEnv } from "../../db";
import { syncState } from "../../db/schema";

/**
 * How long a push waits for more pushes of the same object before its cycle starts: a Flow fires per
 * record, so a mass update sends hundreds of pushes within a second or two; they share one cycle.
 */
export const PUSH_DEBOUNCE_SECONDS = 1;
// A pending mark older than this lost its message (a failed send): the next push takes over.
const STALE_MS = 60_000;

/** The queue message of a pushed cycle: one object of one workspace, read incrementally. */
export interface PushCycleMessage {
  type: "push_cycle";
  workspaceId: string;
  salesforceObject: string;
  /** How many times it waited for a chain already reading the object. */
  attempt: number;
}

/**
 * Debounced: the first push of an object marks it due and queues one delayed cycle; pushes until that
 * cycle starts find the mark and join it. Answers whether this push queued the cycle.
 */
export async function requestPushCycle(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  opts: { delaySeconds?: number; attempt?: number } = {},
): Promise<{ queued: boolean }> {
  const delaySeconds = opts.delaySeconds ?? PUSH_DEBOUNCE_SECONDS;
  const now = Date.now();
  const where = and(eq(syncState.workspaceId, workspaceId), eq(syncState.salesforceObject, salesforceObject));
  await db.insert(syncState).values({ workspaceId, salesforceObject }).onConflictDoNothing();
  const claimed = await db
    .update(syncState)
    .set({ pushDueAt: new Date(now + delaySeconds * 1000).toISOString() })
    .where(and(where, or(isNull(syncState.pushDueAt), lt(syncState.pushDueAt, new Date(now - STALE_MS).toISOString()))))
    .returning({ object: syncState.salesforceObject });
  if (!claimed.length) return { queued: false };
  try {
    await env.INBOUND_QUEUE.send(
      { type: "push_cycle", workspaceId, salesforceObject, attempt: opts.attempt ?? 0 } satisfies PushCycleMessage,
      { delaySeconds },
    );
  } catch (err) {
    // Unmarked, so the next push (or this one, sent again) queues it; polling covers the meantime.
    await db.update(syncState).set({ pushDueAt: null }).where(where);
    throw err;
  }
  return { queued: true };
}
