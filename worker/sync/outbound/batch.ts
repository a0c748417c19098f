import { type Db, type ShardEnv, shardDb } from "../../db";
import { runBatch } from "../../db/commit";
import { outbox } from "../../db/schema";
import { inJson } from "../entities";
import { type Coalescing, coalescingFor, type GroupState, groupState } from "./claim";
import { type Group, pushGroup } from "./group";
import { type EntityType, isOutboundChange, type OutboundChangeMessage, outboxIdsOf } from "./message";
import { sendRescheduled } from "./reschedule";
import { armWakes, clearWakesOf } from "./wake";

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

/**
 * The rows the messages name, and (in the same D1 batch, after the read) their groups' wakes deleted:
 * a write committed from here on makes a new wake (wake.ts).
 */
async function loadNamedClearingWakes(db: Db, named: { workspaceId: string; id: string }[]): Promise<Row[]> {
  if (!named.length) return [];
  const [rows = []] = await runBatch(db, [
    loadNamed(db, [...new Set(named.map((n) => n.id))]),
    clearWakesOf(db, named),
  ]);
  // Raw rows (runBatch): column names as in SQL.
  return rows.map((r) => ({
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    entityType: r.entity_type as EntityType,
    processedAt: r.processed_at as string | null,
    runId: r.run_id as string | null,
  }));
}

function loadNamed(db: Db, ids: string[]) {
  return db
    .select({
      id: outbox.id,
      workspaceId: outbox.workspaceId,
      entityType: outbox.entityType,
      processedAt: outbox.processedAt,
      runId: outbox.runId,
    })
    .from(outbox)
    .where(inJson(outbox.id, ids));
}

interface Entry {
  group: Group;
  messages: Message<unknown>[];
  /** The most times any of its messages was re-scheduled. */
  round: number;
}

/** A group's wake armed again: its message names one pending change (the batch key's), due after the delay. */
type Later = { id: string; delaySeconds: number; round: number };

/** What became of a group in this delivery: done, retried as a whole, or its wake armed again. */
type Outcome = { retryDelaySeconds: number } | { later: Later | null };

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
  const named = valid.flatMap((m) => outboxIdsOf(body(m)).map((id) => ({ workspaceId: body(m).workspaceId, id })));
  const rows = new Map((await loadNamedClearingWakes(db, named)).map((r) => [r.id, r]));

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

  const entries = [...groups.values()];

  let pushes = 0;
  const outcomes = await Promise.all(
    entries.map(async (entry): Promise<Outcome> => {
      const { group } = entry;
      const named = group.outboxIds.map((id) => rows.get(id)).filter((r) => r?.processedAt === null);
      // A redelivery that holds a claim finishes its push; otherwise the group as a whole is looked at:
      // a wake names one change, and the group's every pending change goes with it.
      if (!named.some((r) => r?.runId !== null)) {
        // (Nothing open and nothing named pending: the push only closes what a dead delivery of this
        // message left open, if anything.)
        const state = await groupState(db, group.workspaceId, group.type, coalescing);
        // Unclaimed changes held back by another push count too: the push below then arms the wake for
        // them, instead of the group going quiet until the sweep.
        group.pending ||= state.open > 0 || state.unclaimed > 0;
        const notReady = untilReady(state);
        if (notReady) return { later: notReady };
      }
      if (++pushes > GROUPS_PER_DELIVERY)
        return { later: { id: group.outboxIds[0]!, delaySeconds: 0, round: entry.round } };
      // What the group has left is looked at while the push closes its runs.
      const result = await pushGroup(env, group, (pushed) => leftWaiting(db, group, coalescing, pushed, entry.round));
      if ("retryDelaySeconds" in result) return result;
      // Not connected or over budget: the rows wait for the sweep, not for a message every second.
      if (!result.claimed) return { later: null };
      // (A push that failed as a whole did not look: it is looked at now.)
      return {
        later:
          "after" in result ? (result.after ?? null) : await leftWaiting(db, group, coalescing, result, entry.round),
      };
    }),
  );

  const later = entries.flatMap((entry, i) => {
    const o = outcomes[i]!;
    return "later" in o && o.later && o.later.round < MAX_ROUNDS ? [{ entry, ...o.later }] : [];
  });
  // A wake a write made meanwhile covers these too: only the groups with none are armed and sent.
  const armed = await armWakes(
    db,
    later.map((l) => ({
      workspaceId: l.entry.group.workspaceId,
      type: l.entry.group.type,
      delaySeconds: l.delaySeconds,
    })),
  );
  const toSend = later.filter((l) => armed.has(`${l.entry.group.workspaceId}|${l.entry.group.type}`));
  const sent = await sendRescheduled(
    env,
    toSend.map((l) => ({
      workspaceId: l.entry.group.workspaceId,
      ids: [l.id],
      delaySeconds: l.delaySeconds,
      round: l.round,
    })),
  );
  // Unsent, the wake stays armed for a message that will not come: retrying this delivery's messages
  // stands in for it (their delivery clears it and looks again).
  const unsent = new Set(toSend.filter((_, i) => !sent[i]).map((l) => l.entry));
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
 * What the group has left pending and unclaimed after this push: a burst's changes that arrived
 * meanwhile or fall short of a call (armed for when they are ready), a backlog past what one claim
 * takes (armed at once), or changes of entities another push holds (looked at again after a pause
 * that doubles per round, so the holder has time to finish). Creates that wait for a backfill are not
 * looked at: the backfill's end sends them.
 */
async function leftWaiting(
  db: Db,
  group: Group,
  coalescing: Coalescing | null,
  pushed: { holdCreates?: boolean; full?: boolean },
  round: number,
): Promise<Later | null> {
  const state = await groupState(db, group.workspaceId, group.type, coalescing, pushed.holdCreates === true);
  const notReady = untilReady(state);
  if (notReady) return notReady;
  // A full claim left ready changes (a backlog the sweep or a reconnect sent): the next claim goes now,
  // in the same round, since each such push took CLAIM_LIMIT changes. Paused like held changes (1, 2,
  // 4 … 60 s, MAX_ROUNDS), a 50,000-change backlog would push ~10,000 in four minutes, then wait a tick.
  if (pushed.full && state.open) return { id: state.someId!, delaySeconds: 0, round };
  if (!state.unclaimed) return null;
  return { id: state.someId ?? group.outboxIds[0]!, delaySeconds: Math.min(60, 2 ** round), round: round + 1 };
}

/** Changes a claim could take once they are ready (never without coalescing): look again then. */
function untilReady(state: GroupState): Later | null {
  if (!state.open || state.msUntilReady <= 0) return null;
  return { id: state.someId!, delaySeconds: Math.ceil(state.msUntilLook / 1000), round: 0 };
}
