import { type Db, type ShardEnv, shardDb } from "../../db";
import { outbox } from "../../db/schema";
import { inJson } from "../entities";
import { type Coalescing, coalescingFor, msUntilReady } from "./claim";
import { type Group, pushGroup } from "./group";
import { type EntityType, isOutboundChange, type OutboundChangeMessage, outboxIdsOf } from "./message";
import { sendRescheduled } from "./reschedule";

/**
 * Groups one delivery pushes at most. Each push is ~30 D1 statements and production allows 1,000 per
 * invocation; groups past this go out again at once, in the next delivery (or a concurrent one).
 */
export const GROUPS_PER_DELIVERY = 20;

/**
 * Times a change is re-scheduled without being pushed. Readiness needs at most the longest
 * coalescing wait (a few rounds of ≥1 s); rows held by another push look again after 1, 2, 4 … 60 s.
 * Past this (~5 minutes) the change is left to the outbox sweep, so a claim that never ends does
 * not keep a message going round the queue.
 */
export const MAX_ROUNDS = 10;

type Row = {
  id: string;
  workspaceId: string;
  entityType: EntityType;
  processedAt: string | null;
  runId: string | null;
};

function loadNamed(db: Db, ids: string[]): Promise<Row[]> {
  return db
    .select({
      id: outbox.id,
      workspaceId: outbox.workspaceId,
      entityType: outbox.entityType,
      processedAt: outbox.processedAt,
      runId: outbox.runId,
    })
    .from(outbox)
    .where(inJson(outbox.id, ids))
    .all();
}

interface Entry {
  group: Group;
  messages: Message<unknown>[];
  /** The most times any of its messages was re-scheduled. */
  round: number;
}

/** What became of a group in this delivery: done, retried as a whole, or re-scheduled (its still-waiting rows). */
type Outcome = { retryDelaySeconds: number } | { later: { ids: string[]; delaySeconds: number } | null };

/**
 * The outbound consumer: up to 100 messages, grouped by workspace × object type, one push per
 * group, the groups concurrently. A group whose changes are not ready to fill a call yet is not
 * waited for: its rows are re-scheduled with a delayed message for when they will be ready, so the
 * invocation ends as soon as the ready groups are pushed and no workspace waits behind another's burst.
 */
export async function runOutboundBatch(env: ShardEnv, messages: readonly Message<unknown>[]): Promise<void> {
  const db = shardDb(env);
  const coalescing = coalescingFor(env);
  const valid = messages.filter((m) => isOutboundChange(m.body));
  for (const m of messages) if (!isOutboundChange(m.body)) m.ack();
  const body = (m: Message<unknown>) => m.body as OutboundChangeMessage;
  const named = [...new Set(valid.flatMap((m) => outboxIdsOf(body(m))))];
  const rows = new Map((named.length ? await loadNamed(db, named) : []).map((r) => [r.id, r]));

  const groups = new Map<string, Entry>();
  for (const m of valid) {
    // Gone or not this workspace's: nothing a retry could fix.
    const mine = outboxIdsOf(body(m))
      .map((id) => rows.get(id))
      .filter((r): r is Row => r !== undefined && r.workspaceId === body(m).workspaceId);
    if (!mine.length) m.ack();
    for (const type of new Set(mine.map((r) => r.entityType))) {
      const key = `${body(m).workspaceId}|${type}`;
      const entry = groups.get(key) ?? {
        group: { workspaceId: body(m).workspaceId, type, outboxIds: [], pending: false, attempts: 0 },
        messages: [],
        round: 0,
      };
      for (const row of mine.filter((r) => r.entityType === type)) {
        if (!entry.group.outboxIds.includes(row.id)) entry.group.outboxIds.push(row.id);
        entry.group.pending ||= row.processedAt === null;
      }
      entry.group.attempts = Math.max(entry.group.attempts, m.attempts);
      entry.round = Math.max(entry.round, body(m).round ?? 0);
      entry.messages.push(m);
      groups.set(key, entry);
    }
  }

  let pushes = 0;
  const outcomes = await Promise.all(
    [...groups.values()].map(async (entry): Promise<Outcome> => {
      const { group } = entry;
      const waiting = group.outboxIds.filter((id) => rows.get(id)?.processedAt === null);
      // Nothing of this group claimed yet and not ready: no push, just the time to look again.
      if (coalescing && group.pending && waiting.every((id) => rows.get(id)?.runId === null)) {
        const ms = await msUntilReady(db, group.workspaceId, group.type, coalescing);
        if (ms !== null && ms > 0) return { later: { ids: waiting, delaySeconds: Math.ceil(ms / 1000) } };
      }
      if (++pushes > GROUPS_PER_DELIVERY) return { later: waiting.length ? { ids: waiting, delaySeconds: 0 } : null };
      const result = await pushGroup(env, group);
      if ("retryDelaySeconds" in result) return result;
      // Not connected or over budget: the rows wait for the sweep, not for a message every second.
      if (!result.claimed) return { later: null };
      // Held creates wait for a backfill (hours, maybe): the backfill's end sends them, not a message every minute.
      const held = new Set(result.held);
      const looking = waiting.filter((id) => !held.has(id));
      return { later: await stillWaiting(db, group, looking, coalescing, entry.round) };
    }),
  );

  const entries = [...groups.values()];
  const later = entries.flatMap((entry, i) => {
    const o = outcomes[i]!;
    return "later" in o && o.later && entry.round < MAX_ROUNDS ? [{ entry, ...o.later }] : [];
  });
  const sent = await sendRescheduled(
    env,
    later.map((l) => ({
      workspaceId: l.entry.group.workspaceId,
      ids: l.ids,
      delaySeconds: l.delaySeconds,
      round: l.entry.round + 1,
    })),
  );
  const unsent = new Set(later.filter((_, i) => !sent[i]).map((l) => l.entry));
  // A message is retried if any of its groups asked for it (or could not be re-scheduled), else acked.
  const retry = new Map<Message<unknown>, number>();
  entries.forEach((entry, i) => {
    const o = outcomes[i]!;
    const delay = "retryDelaySeconds" in o ? o.retryDelaySeconds : unsent.has(entry) ? 1 : null;
    if (delay === null) return;
    for (const m of entry.messages) retry.set(m, Math.max(retry.get(m) ?? 0, delay));
  });
  for (const m of valid) {
    const delay = retry.get(m);
    if (delay !== undefined) m.retry({ delaySeconds: delay });
    else m.ack();
  }
}

/**
 * The group's named rows this push left pending and unclaimed: not ready yet (a burst's remainder
 * short of a call), held by another push, or past the claim's limit. Looked at again when they
 * will be ready; otherwise after a pause that doubles per round, so a holder has time to finish.
 */
async function stillWaiting(
  db: Db,
  group: Group,
  waiting: string[],
  coalescing: Coalescing | null,
  round: number,
): Promise<{ ids: string[]; delaySeconds: number } | null> {
  if (!waiting.length) return null;
  const left = (await loadNamed(db, waiting)).filter((r) => r.processedAt === null && r.runId === null);
  if (!left.length) return null;
  const ms = await msUntilReady(db, group.workspaceId, group.type, coalescing);
  return { ids: left.map((r) => r.id), delaySeconds: ms ? Math.ceil(ms / 1000) : Math.min(60, 2 ** round) };
}
