import { and, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { CLAIM_LIMIT } from "./claim";
import { type EntityType, outboundChange } from "./message";
import { releaseLostWakes } from "./wake";

/**
 * A row sent (or claimed by a consumer) this long ago and still not processed is presumed lost:
 * its message died, or its consumer did. Long next to a push (seconds), short next to a user's patience.
 */
export const RESEND_AFTER_MS = 5 * 60 * 1000;

/**
 * Groups (workspace × object) one sweep resends at most; the rest wait for the next tick. A delivery
 * pushes its group's pending changes, not only the one its message names (batch.ts), so the sweep sends
 * one message per group: a workspace with 50,000 waiting changes costs one message per object, like one
 * with a single lost change. 1,000 keeps the old ceiling of 1,000 messages a tick (ten sendBatch calls
 * and ten stamping statements, far inside a cron invocation's limits) while reaching 1,000 workspaces.
 */
export const SWEEP_GROUPS = 1000;
/** Queues' sendBatch limit. */
const SEND_BATCH = 100;

/**
 * Resends outbox changes whose queue send never happened (the API's send failed after the commit, or a
 * wake lost its message: wake.ts) or whose message was sent but never processed. A duplicate message is
 * harmless: the consumer pushes an entity's current state and skips rows already processed.
 * Answers how many groups it sent a message for.
 */
export async function sweepOutbox(env: ShardEnv, now = Date.now()): Promise<number> {
  await releaseLostWakes(shardDb(env)).catch((err) =>
    console.error("outbox sweep: lost wakes not released", err instanceof Error ? err.message : String(err)),
  );
  const cutoff = new Date(now - RESEND_AFTER_MS).toISOString();
  const due = and(isNull(outbox.processedAt), or(isNull(outbox.sentAt), lt(outbox.sentAt, cutoff)))!;
  return resend(env, due, { pushableOnly: true });
}

/**
 * Sends every change of the workspace that waits under no live claim, at once: after the workspace
 * (re)connects Salesforce, what waited for the connection goes out now rather than at the next sweep.
 * One message per object, as the sweep does.
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

/**
 * A group with changes due: its oldest (what the message names), and, when it has more than one
 * delivery claims, the last change of that first claim (`lastAt`, `lastId`): the sweep stamps only up
 * to it, so the rest stay due and the next tick sends for them even if no delivery came back for them.
 */
interface DueGroup {
  workspaceId: string;
  type: EntityType;
  oldestId: string;
  lastAt: string | null;
  lastId: string | null;
}

/** Workspaces that can push now: connected, no org being unlinked. */
const pushable = sql`SELECT c.workspace_id FROM connections AS c JOIN workspaces AS w ON w.id = c.workspace_id
  WHERE c.status = 'connected' AND w.unlinking_org_id IS NULL`;

/**
 * The groups with changes due, in one statement, the one whose oldest due change has waited longest first.
 * `pushableOnly` (the cron's sweep): only workspaces that can push now (connected, no org being unlinked).
 * One that cannot keeps its changes pending until it reconnects or its unlink ends (resendWaiting sends
 * them then, and from then on the sweep counts it again): swept each minute, its groups would hold the
 * oldest due changes, come first, re-stamp a thousand changes each per tick and get a delivery that pushes
 * nothing. (Over its API budget, a workspace is still swept: its pause ends by itself.)
 */
async function dueGroups(env: ShardEnv, due: SQL, pushableOnly: boolean): Promise<DueGroup[]> {
  const rows = await shardDb(env).all<{
    workspace_id: string;
    entity_type: EntityType;
    oldest_id: string;
    last_at: string | null;
    last_id: string | null;
  }>(sql`
    SELECT workspace_id, entity_type, max(CASE WHEN n = 1 THEN id END) AS oldest_id, min(created_at) AS oldest,
      max(CASE WHEN n = ${CLAIM_LIMIT} THEN created_at END) AS last_at, max(CASE WHEN n = ${CLAIM_LIMIT} THEN id END) AS last_id
    FROM (SELECT workspace_id, entity_type, id, created_at,
        row_number() OVER (PARTITION BY workspace_id, entity_type ORDER BY created_at, id) AS n
      FROM ${outbox} WHERE ${due} ${pushableOnly ? sql`AND workspace_id IN (${pushable})` : sql``}) AS d
    GROUP BY workspace_id, entity_type
    ORDER BY oldest, workspace_id, entity_type
    LIMIT ${SWEEP_GROUPS}`);
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    type: r.entity_type,
    oldestId: r.oldest_id,
    lastAt: r.last_at,
    lastId: r.last_id,
  }));
}

async function resend(env: ShardEnv, due: SQL, { pushableOnly = false } = {}): Promise<number> {
  const db = shardDb(env);
  const groups = await dueGroups(env, due, pushableOnly);
  let sent = 0;
  for (let i = 0; i < groups.length; i += SEND_BATCH) {
    const chunk = groups.slice(i, i + SEND_BATCH);
    try {
      await env.OUTBOUND_QUEUE.sendBatch(chunk.map((g) => ({ body: outboundChange(g.workspaceId, g.oldestId) })));
    } catch (err) {
      // The queue is unwell: stop here; these groups are still unsent and the next tick tries again.
      console.error("outbox sweep: sendBatch failed", err instanceof Error ? err.message : String(err));
      break;
    }
    // Clearing run_id frees a dead consumer's claim so the new message's consumer may take the row;
    // `due` again, so a row some consumer claimed in the meantime keeps its claim. Up to the group's
    // last row of one claim (by the order the claim takes them), fixed before the send: a delivery
    // that already claimed the first ones does not move the line onto rows no message covers.
    // CROSS JOIN keeps the groups the outer loop (each an index lookup); left to the planner, it scanned
    // the outbox once per group: 5 s a statement with 50,000 rows pending, instead of 30-180 ms.
    const list = chunk.map((g) => ({ w: g.workspaceId, t: g.type, at: g.lastAt, id: g.lastId }));
    await db
      .update(outbox)
      .set({ sentAt: isoNow(), runId: null })
      .where(
        and(
          due,
          sql`${outbox.id} IN (SELECT o.id FROM json_each(${JSON.stringify(list)}) AS g CROSS JOIN outbox AS o
            WHERE o.workspace_id = g.value ->> '$.w' AND o.entity_type = g.value ->> '$.t' AND o.processed_at IS NULL
              AND (g.value ->> '$.at' IS NULL OR (o.created_at, o.id) <= (g.value ->> '$.at', g.value ->> '$.id')))`,
        ),
      );
    sent += chunk.length;
  }
  return sent;
}
