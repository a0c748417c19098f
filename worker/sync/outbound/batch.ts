import { type Db, getDb } from "../../db";
import { outbox } from "../../db/schema";
import { inJson } from "../inbound/entities";
import { MAX_ATTEMPTS, retryDelaySeconds } from "../runs";
import { type Group, pushGroup } from "./group";
import { type EntityType, isOutboundChange } from "./message";

/** A named row another consumer held is tried again this soon (seconds), not after a sweep. */
const HELD_RETRY_SECONDS = 2;

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

/**
 * The outbound consumer: up to 100 messages, grouped by workspace × object type, one push per
 * group. Messages are acked or retried per group; a message whose row another consumer held is
 * retried shortly, so its change goes out right after the push that held it.
 */
export async function runOutboundBatch(env: Env, messages: readonly Message<unknown>[]): Promise<void> {
  const db = getDb(env);
  const valid = messages.filter((m) => isOutboundChange(m.body));
  for (const m of messages) if (!isOutboundChange(m.body)) m.ack();
  const bodyOf = (m: Message<unknown>) => m.body as { workspaceId: string; outboxId: string };
  const rows = new Map((await loadNamed(db, [...new Set(valid.map((m) => bodyOf(m).outboxId))])).map((r) => [r.id, r]));

  const groups = new Map<string, { group: Group; messages: Message<unknown>[] }>();
  for (const m of valid) {
    const row = rows.get(bodyOf(m).outboxId);
    // Gone or not this workspace's: nothing a retry could fix.
    if (!row || row.workspaceId !== bodyOf(m).workspaceId) {
      m.ack();
      continue;
    }
    const key = `${row.workspaceId}|${row.entityType}`;
    const entry = groups.get(key) ?? {
      group: { workspaceId: row.workspaceId, type: row.entityType, outboxIds: [], pending: false, attempts: 0 },
      messages: [],
    };
    if (!entry.group.outboxIds.includes(row.id)) entry.group.outboxIds.push(row.id);
    entry.group.pending ||= row.processedAt === null;
    entry.group.attempts = Math.max(entry.group.attempts, m.attempts);
    entry.messages.push(m);
    groups.set(key, entry);
  }

  for (const { group, messages: batch } of groups.values()) {
    const result = await pushGroup(env, group);
    if ("retryDelaySeconds" in result) {
      for (const m of batch) m.retry({ delaySeconds: result.retryDelaySeconds });
      continue;
    }
    const held = result.claimed ? await stillUnclaimed(db, group.outboxIds) : new Set<string>();
    for (const m of batch) {
      if (held.has(bodyOf(m).outboxId) && m.attempts < MAX_ATTEMPTS) {
        m.retry({ delaySeconds: Math.max(HELD_RETRY_SECONDS, retryDelaySeconds(env, m.attempts)) });
      } else m.ack();
    }
  }
}

/** Named rows still pending and claimed by nobody: their entity was held by another consumer. */
async function stillUnclaimed(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await loadNamed(db, ids);
  return new Set(rows.filter((r) => r.processedAt === null && r.runId === null).map((r) => r.id));
}
