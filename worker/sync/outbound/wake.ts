import { type SQL, sql } from "drizzle-orm";
import type { Db, ShardEnv } from "../../db";
import { commitBatch } from "../../db/commit";
import { type Coalescing, coalescingFor } from "./claim";
import { type EntityType, outboundChange, outboundChanges } from "./message";

// One wake per workspace × object, not one queue message per API write. A burst of 100 writes used to
// send 100 messages, and every delivery of them read, grouped and re-scheduled its rows again; in the
// local harness that work ran on the same thread as the writes. The rule that keeps it exact: a wake
// row (outbound_wakes) is on D1 while its message is on its way; the consumer deletes it BEFORE it looks
// at the group's pending changes, so every change committed before the delete is seen by that look and
// every change committed after it finds no wake and sends a new one. A delivery that leaves changes
// waiting (a burst still arriving) arms the wake again, with a delayed message, unless a write already did.

/**
 * A wake this long past its due time is late (its message waits in a busy queue, or was lost: a send
 * that failed unseen, a consumer that died): the next write takes it over and sends an immediate
 * message, so a burst's changes never wait on a late message, only on the claim's rule. A live wake
 * taken over costs a duplicate message, at most two a second per group while its message is late.
 */
export const WAKE_OVERDUE_MS = 500;

const dueIn = (seconds: number | SQL) => sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ${seconds} || ' seconds')`;

const NOW = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/**
 * Creates the wake, or takes over an overdue one: a write's (`{ farOffMs }`) makes it due now (its message
 * goes at once) and also takes over one due further off than `farOffMs`; a delivery's (`{ sooner: true }`)
 * also takes over one due later than its own. Returns the rows it wrote (none: a live wake covers it),
 * `late` = 1 for a wake taken over as overdue.
 */
const upsert = ({
  farOffMs,
  sooner = false,
}: {
  farOffMs?: number;
  sooner?: boolean;
}) => sql`ON CONFLICT (workspace_id, entity_type)
  DO UPDATE SET due_at = ${farOffMs !== undefined ? NOW : sql`excluded.due_at`}
  WHERE outbound_wakes.due_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`-${WAKE_OVERDUE_MS / 1000} seconds`})
  ${farOffMs === undefined ? sql`` : sql`OR outbound_wakes.due_at > ${dueIn(farOffMs / 1000)}`}
  ${sooner ? sql`OR outbound_wakes.due_at > excluded.due_at` : sql``}
  RETURNING workspace_id, entity_type, due_at <= ${NOW} AS late`;

/**
 * How far off a live wake may be due and still cover a write's change: the longest a burst waits (claim.ts).
 * One due later is a pause for changes another push holds (batch.ts: 1, 2, 4 … 60 s); a change to
 * another entity must not wait behind it, so the write takes that wake over.
 */
const farOffMs = (coalescing: Coalescing | null) => (coalescing?.maxWaitMs ?? 0) + 1000;

/**
 * How long a write's wake is delayed: a burst's first change can go no sooner than `quietMs` after the
 * last (claim.ts), so a message delivered at once would only find it not ready and be sent again.
 */
export function wakeDelaySeconds(coalescing: Coalescing | null): number {
  return coalescing ? Math.ceil(coalescing.quietMs / 1000) : 0;
}

/**
 * The wake of outbox rows an API write inserts, for the same D1 batch, after their insert: made for
 * each workspace × type of the rows that exist (a PATCH that changed nothing wrote none) and has no
 * live wake. Its rows (RETURNING) say which messages the write must send.
 */
export function wakeInsert(db: Db, outboxIds: string[], coalescing: Coalescing | null) {
  const rows =
    outboxIds.length === 1
      ? sql`id = ${outboxIds[0]}`
      : sql`id IN (SELECT value FROM json_each(${JSON.stringify(outboxIds)}))`;
  return db.run(sql`
    INSERT INTO outbound_wakes (workspace_id, entity_type, due_at)
    SELECT DISTINCT workspace_id, entity_type, ${dueIn(wakeDelaySeconds(coalescing))} FROM outbox WHERE ${rows}
    ${upsert({ farOffMs: farOffMs(coalescing) })}`);
}

export interface WakeGroup {
  workspaceId: string;
  type: EntityType;
}

/**
 * Deletes the wakes of the named outbox rows' groups (each row its message's workspace's): run before
 * a delivery looks at their pending changes (see above), in the batch that loads the rows, so the
 * delivery spends no round trip of its own on it.
 */
export function clearWakesOf(db: Db, named: { workspaceId: string; id: string }[]) {
  return db.run(sql`
    DELETE FROM outbound_wakes WHERE (workspace_id, entity_type) IN (
      SELECT o.workspace_id, o.entity_type
      FROM json_each(${JSON.stringify(named.map((n) => [n.workspaceId, n.id]))}) AS j
      JOIN outbox o ON o.id = j.value ->> '$[1]' AND o.workspace_id = j.value ->> '$[0]')`);
}

/**
 * Arms the groups' wakes again for changes a delivery left waiting, due in `delaySeconds`; answers
 * which it armed (the caller sends their delayed messages). A group whose wake a write (or another
 * delivery) made meanwhile is not armed when that wake is due no later: its delivery looks at everything
 * pending, these changes included. One due later (another delivery's pause of up to 60 s for changes a
 * push holds) is taken over, so a backlog armed at once or a burst's look does not wait behind it; the
 * older message still comes, finds the wake gone and looks anyway, which is harmless.
 */
export async function armWakes(db: Db, groups: (WakeGroup & { delaySeconds: number })[]): Promise<Set<string>> {
  if (!groups.length) return new Set();
  const list = groups.map((g) => ({ w: g.workspaceId, t: g.type, s: g.delaySeconds }));
  const armed = await db.all<{ workspace_id: string; entity_type: string }>(sql`
    INSERT INTO outbound_wakes (workspace_id, entity_type, due_at)
    SELECT j.value ->> '$.w', j.value ->> '$.t', ${dueIn(sql`(j.value ->> '$.s')`)}
    FROM json_each(${JSON.stringify(list)}) AS j WHERE true
    ${upsert({ sooner: true })}`);
  return new Set(armed.map((r) => `${r.workspace_id}|${r.entity_type}`));
}

/**
 * Sends a write's wake: one message naming its outbox rows, the old shape (a Worker before wakes
 * handles it as it always did). Never throws. When the send fails, the wake goes and so does every
 * pending, unclaimed change of its groups' sent stamp, in one batch: they relied on this message, the
 * cron sweep sends them now, and the next write makes a new wake instead of being silenced by a dead one.
 */
export async function sendWake(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  outboxIds: string[],
  woken: EntityType[],
  late = false,
): Promise<boolean> {
  if (!outboxIds.length || !woken.length) return true;
  try {
    const body =
      outboxIds.length === 1 ? outboundChange(workspaceId, outboxIds[0]!) : outboundChanges(workspaceId, outboxIds);
    // A late wake taken over: what waited for it may be ready already.
    const delaySeconds = late ? 0 : wakeDelaySeconds(coalescingFor(env));
    await env.OUTBOUND_QUEUE.send(body, delaySeconds ? { delaySeconds } : undefined);
    return true;
  } catch (err) {
    console.error(
      "outbound wake failed; the outbox sweep will resend",
      outboxIds[0],
      err instanceof Error ? err.message : String(err),
    );
  }
  await releaseGroups(db, sql`SELECT ${workspaceId}, value FROM json_each(${JSON.stringify(woken)})`).catch(
    () => undefined,
  );
  return false;
}

/**
 * The groups `groups` selects (rows of workspace_id, entity_type) are left to the cron sweep, in one
 * batch: their wakes go, and so does the sent stamp of their pending changes, unless a consumer has
 * claimed one meanwhile (run_id set: it is on its way).
 */
function releaseGroups(db: Db, groups: SQL) {
  return commitBatch(db, [
    db.run(sql`UPDATE outbox SET sent_at = NULL
      WHERE (workspace_id, entity_type) IN (${groups}) AND processed_at IS NULL AND run_id IS NULL`),
    db.run(sql`DELETE FROM outbound_wakes WHERE (workspace_id, entity_type) IN (${groups})`),
  ]);
}

/**
 * A wake this long past due has lost its message (a send that failed unseen, a delivery that died on
 * its last attempt) and no write came to take it over. Far above a busy queue's lateness; far below
 * the sweep's RESEND_AFTER_MS, which the changes it covers (stamped when written) would otherwise wait.
 */
export const WAKE_LOST_MS = 60_000;

/**
 * For the cron sweep, before it looks for changes to resend: deletes the lost wakes and clears the
 * sent stamp of their groups' pending, unclaimed changes, in one batch, so this very sweep sends them.
 */
export function releaseLostWakes(db: Db) {
  return releaseGroups(
    db,
    sql`SELECT workspace_id, entity_type FROM outbound_wakes
      WHERE due_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`-${WAKE_LOST_MS / 1000} seconds`})`,
  );
}
