import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { COLLECTION_LIMIT } from "../../salesforce";
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
 * How a delivery waits for a burst to fill whole collection calls. Queues hand the consumer ≤100
 * messages at a time, so pushing whatever is pending at each delivery sends ~100 records per call
 * during a burst: twice the calls it needs. While changes keep arriving (the newest is younger than
 * `quietMs`) and fewer than a call's worth are pending, the claim waits — at most until the oldest
 * pending change is `maxWaitMs` old. A lone change, or a burst's tail, goes once nothing new arrived
 * for `quietMs`. Calls are counted in outbox rows: an entity changed twice in a burst is one record,
 * so such a call carries one record less.
 */
export interface Coalescing {
  maxWaitMs: number;
  quietMs: number;
}

/** Defaults: a burst of API writes (≥ ~70 a second) fills 200-record calls; nothing waits more than 3 s for it. */
export const COALESCING: Coalescing = { maxWaitMs: 3000, quietMs: 500 };

/** OUTBOUND_COALESCE_MS overrides the longest wait; 0 pushes whatever is pending at once. */
export function coalescingFor(env: { OUTBOUND_COALESCE_MS?: string }): Coalescing | null {
  const raw = env.OUTBOUND_COALESCE_MS;
  const ms = raw === undefined || raw === "" ? COALESCING.maxWaitMs : Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) return null;
  return { maxWaitMs: ms, quietMs: Math.min(COALESCING.quietMs, ms) };
}

export interface ClaimOptions {
  /** Only these outbox rows (a retry run pushes exactly the changes it names). */
  onlyIds?: string[];
  /** Wait for whole collection calls; null claims everything pending. */
  coalescing?: Coalescing | null;
}

const sqliteAgo = (ms: number) => sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`-${(ms / 1000).toFixed(3)} seconds`})`;

/**
 * Claims the workspace's pending outbox rows of one type for this batch, in one statement. A row
 * is claimed by writing the batch key into run_id and the time into sent_at; the claim lapses
 * after RESEND_AFTER_MS. Entities another live claim holds are left alone, so two consumers never
 * push one entity at once and an older state can never overwrite a newer one.
 *
 * How many rows to take is decided inside the same statement (and against D1's clock), so two
 * consumers waiting on one burst cannot both see 200 pending and split it into odd-sized calls.
 */
export async function claimPending(
  db: Db,
  workspaceId: string,
  type: EntityType,
  batchKey: string,
  opts: ClaimOptions = {},
): Promise<ClaimedRow[]> {
  const cutoff = new Date(Date.now() - RESEND_AFTER_MS).toISOString();
  const pending = sql`workspace_id = ${workspaceId} AND entity_type = ${type} AND processed_at IS NULL`;
  // Held by another live claim: any of the workspace's rows, not only the ones a retry names, or a
  // retry could push an entity (and create it in Salesforce) while a delivery is pushing it too.
  const open = sql`${pending} ${opts.onlyIds ? sql`AND ${inJson(outbox.id, opts.onlyIds)}` : sql``} AND entity_id NOT IN (
    SELECT entity_id FROM outbox WHERE ${pending} AND run_id IS NOT NULL AND run_id != ${batchKey} AND sent_at >= ${cutoff})`;
  const c = opts.onlyIds ? null : opts.coalescing;
  // (D1 binds numbers as REAL, hence the CAST for whole calls.)
  // Whole calls while a burst is arriving; everything once it waited long enough, went quiet, or
  // when this batch key already holds a claim (a redelivery finishing what it started).
  const limit = c
    ? sql`(SELECT CASE
        WHEN count(*) = 0 THEN 0
        WHEN sum(run_id IS ${batchKey}) > 0 THEN ${CLAIM_LIMIT}
        WHEN min(created_at) <= ${sqliteAgo(c.maxWaitMs)} OR max(created_at) <= ${sqliteAgo(c.quietMs)} THEN ${CLAIM_LIMIT}
        WHEN count(*) >= ${COLLECTION_LIMIT} THEN min(${CLAIM_LIMIT}, CAST(count(*) / ${COLLECTION_LIMIT} AS INTEGER) * ${COLLECTION_LIMIT})
        ELSE 0 END
      FROM outbox WHERE ${open})`
    : sql`${CLAIM_LIMIT}`;
  const rows = await db.all<{
    id: string;
    entity_id: string;
    operation: ClaimedRow["operation"];
    changed_fields: string;
    created_at: string;
  }>(sql`
    UPDATE outbox SET run_id = ${batchKey}, sent_at = ${isoNow()}
    WHERE id IN (SELECT id FROM outbox WHERE ${open} ORDER BY created_at, id LIMIT ${limit})
      AND processed_at IS NULL
    RETURNING id, entity_id, operation, changed_fields, created_at`);
  return rows.map((r) => ({
    id: r.id,
    entityId: r.entity_id,
    operation: r.operation,
    changedFields: r.changed_fields,
    createdAt: r.created_at,
  }));
}

/** Whether any of these rows is still pending with no claim on it: this delivery should wait for it. */
export async function unclaimedAmong(db: Db, ids: string[]): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM outbox WHERE ${inJson(outbox.id, ids)} AND processed_at IS NULL AND run_id IS NULL`);
  return (row?.n ?? 0) > 0;
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
  const sorted = [...rows].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
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
