import { and, asc, eq, gte, inArray, isNotNull, isNull, ne, notInArray } from "drizzle-orm";
import type { Db } from "../../db";
import { outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { inJson } from "../inbound/entities";
import type { EntityType } from "./message";
import { RESEND_AFTER_MS } from "./sweep";

/** Outbox rows one group takes at most: 1,000 changes are five collection calls. */
export const CLAIM_LIMIT = 1000;

export interface ClaimedRow {
  id: string;
  entityId: string;
  operation: "upsert" | "delete";
  changedFields: string;
  createdAt: string;
}

/** Every pending change of one entity, collapsed: one push of its current state covers them all. */
export interface EntityChange {
  entityId: string;
  outboxIds: string[];
  /** The newest outbox row: the run record's key, so a retry of the record finds the change again. */
  latestOutboxId: string;
  deleted: boolean;
  changedFields: Set<string>;
}

/**
 * Claims the workspace's pending outbox rows of one type for this batch, in one statement. A row
 * is claimed by writing the batch key into run_id and the time into sent_at; the claim lapses
 * after RESEND_AFTER_MS. Entities another live claim holds are left alone, so two consumers never
 * push one entity at once and an older state can never overwrite a newer one.
 */
export async function claimPending(db: Db, workspaceId: string, type: EntityType, batchKey: string, now = Date.now(), onlyIds?: string[]): Promise<ClaimedRow[]> {
  const cutoff = new Date(now - RESEND_AFTER_MS).toISOString();
  const pending = and(
    eq(outbox.workspaceId, workspaceId),
    eq(outbox.entityType, type),
    isNull(outbox.processedAt),
    onlyIds ? inJson(outbox.id, onlyIds) : undefined,
  );
  const heldElsewhere = db
    .select({ entityId: outbox.entityId })
    .from(outbox)
    .where(and(pending, isNotNull(outbox.runId), ne(outbox.runId, batchKey), gte(outbox.sentAt, cutoff)));
  const claimable = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(pending, notInArray(outbox.entityId, heldElsewhere)))
    .orderBy(asc(outbox.createdAt), asc(outbox.id))
    .limit(CLAIM_LIMIT);
  return db
    .update(outbox)
    .set({ runId: batchKey, sentAt: isoNow() })
    .where(and(inArray(outbox.id, claimable), isNull(outbox.processedAt)))
    .returning({
      id: outbox.id,
      entityId: outbox.entityId,
      operation: outbox.operation,
      changedFields: outbox.changedFields,
      createdAt: outbox.createdAt,
    })
    .all();
}

function parseFields(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

/** Groups claimed rows by entity, oldest first; a delete anywhere in the chain wins. */
export function collapse(rows: ClaimedRow[]): EntityChange[] {
  const sorted = [...rows].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  const byEntity = new Map<string, EntityChange>();
  for (const row of sorted) {
    const change = byEntity.get(row.entityId) ?? {
      entityId: row.entityId,
      outboxIds: [],
      latestOutboxId: row.id,
      deleted: false,
      changedFields: new Set<string>(),
    };
    change.outboxIds.push(row.id);
    change.latestOutboxId = row.id;
    change.deleted ||= row.operation === "delete";
    for (const f of parseFields(row.changedFields)) change.changedFields.add(f);
    byEntity.set(row.entityId, change);
  }
  return [...byEntity.values()];
}
