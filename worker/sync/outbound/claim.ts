import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { COLLECTION_LIMIT } from "../../salesforce";
import { inJson } from "../entities";
import { unlinkedEntity } from "./hold";
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
 * When a group of changes goes to Salesforce. Queues hand the consumer ≤100 messages at a time, so
 * pushing whatever is pending at each delivery sends ~100 records per call during a burst: twice the
 * calls it needs. So a group is ready when it fills a whole call (200), when its newest change is
 * `quietMs` old (a lone change, or a burst's tail), or when its oldest has waited `maxWaitMs`. A
 * delivery never waits for that inside its invocation: it pushes what is ready and re-schedules the
 * rest with a delayed message for the moment it will be (batch.ts), so one workspace's burst never
 * holds up another's changes. Readiness is decided by D1's clock, the one that stamped the rows.
 * Calls are counted in outbox rows: an entity changed twice in a burst is one record, so such a
 * call carries one record less.
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
  /** Creates wait (hold.ts): rows of entities not linked to Salesforce are left, pending, unclaimed. */
  holdCreates?: boolean;
}

const pendingOf = (workspaceId: string, type: EntityType) =>
  sql`workspace_id = ${workspaceId} AND entity_type = ${type} AND processed_at IS NULL`;

/**
 * The group's rows a claim may take: pending, not claimed, and not of an entity another live claim
 * holds (any of the workspace's rows, not only the ones a retry names, or a retry could push an
 * entity, and create it in Salesforce, while a delivery is pushing it too). `batchKey` is the
 * claimer's own key: rows it already holds stay open to it.
 */
function openRows(
  workspaceId: string,
  type: EntityType,
  batchKey: string | null,
  onlyIds?: string[],
  holdCreates = false,
) {
  const cutoff = new Date(Date.now() - RESEND_AFTER_MS).toISOString();
  const pending = pendingOf(workspaceId, type);
  const held = holdCreates ? sql`AND NOT ${unlinkedEntity(workspaceId, type)}` : sql``;
  return sql`${pending} ${onlyIds ? sql`AND ${inJson(outbox.id, onlyIds)}` : sql``} ${held} AND entity_id NOT IN (
    SELECT entity_id FROM outbox WHERE ${pending} AND run_id IS NOT NULL AND run_id IS NOT ${batchKey} AND sent_at >= ${cutoff})`;
}

/** Over a group's open rows (aggregates): milliseconds left of the longest wait, and of the quiet wait. */
const waitLeft = (c: Coalescing) => sql`(julianday(min(created_at)) - julianday('now')) * 86400000 + ${c.maxWaitMs}`;
const quietLeft = (c: Coalescing) => sql`(julianday(max(created_at)) - julianday('now')) * 86400000 + ${c.quietMs}`;

/** Milliseconds until waiting longer would not fill a call. */
const msLeft = (c: Coalescing) => sql`min(${waitLeft(c)}, ${quietLeft(c)})`;

/**
 * Claims the workspace's pending outbox rows of one type for this batch, in one statement. A row
 * is claimed by writing the batch key into run_id and the time into sent_at; the claim lapses
 * after RESEND_AFTER_MS. Entities another live claim holds are left alone, so two consumers never
 * push one entity at once and an older state can never overwrite a newer one.
 *
 * How many rows to take is decided inside the same statement (and against D1's clock), so two
 * consumers looking at one burst cannot both see 200 pending and split it into odd-sized calls.
 */
export async function claimPending(
  db: Db,
  workspaceId: string,
  type: EntityType,
  batchKey: string,
  opts: ClaimOptions = {},
): Promise<ClaimedRow[]> {
  const open = openRows(workspaceId, type, batchKey, opts.onlyIds, opts.holdCreates);
  const c = opts.onlyIds ? null : opts.coalescing;
  // (D1 binds numbers as REAL, hence the CAST for whole calls.)
  // Everything once the group is ready by time, or when this batch key already holds a claim (a
  // redelivery finishing what it started); whole calls while a burst is still arriving.
  const limit = c
    ? sql`(SELECT CASE
        WHEN count(*) = 0 THEN 0
        WHEN sum(run_id IS ${batchKey}) > 0 THEN ${CLAIM_LIMIT}
        WHEN ${msLeft(c)} <= 0 THEN ${CLAIM_LIMIT}
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

/** What a group holds for a delivery to decide on, in one statement (groupState). */
export interface GroupState {
  /** Changes a claim could take now or once ready (none held by another live claim). */
  open: number;
  /** Milliseconds until they are ready by the claim's rule and D1's clock (0: now). */
  msUntilReady: number;
  /**
   * When to look again if not ready: at `msUntilReady`, except while a burst is arriving (several
   * changes, the newest within the quiet wait), when only the longest wait can end it: its end, so a
   * burst costs one look per call instead of one a second (each look waits its turn in the queue).
   */
  msUntilLook: number;
  /** One of them, else one unclaimed change: what a wake's message names (its batch key, message.ts). */
  someId: string | null;
  /** Pending changes under no claim, the open ones included: the rest wait for another claim's end. */
  unclaimed: number;
}

/**
 * The group's pending changes as the claim sees them (`holdCreates`: without creates that wait for a
 * backfill). A delivery looks before it pushes (not ready: it arms the wake instead) and after (what
 * arrived meanwhile, or was left, is armed for).
 */
export async function groupState(
  db: Db,
  workspaceId: string,
  type: EntityType,
  coalescing: Coalescing | null,
  holdCreates = false,
): Promise<GroupState> {
  const held = holdCreates ? sql`AND NOT ${unlinkedEntity(workspaceId, type)}` : sql``;
  const c = coalescing ?? { maxWaitMs: 0, quietMs: 0 };
  const row = await db.get<{
    n: number;
    wait: number | null;
    quiet: number | null;
    id: string | null;
    unclaimed: number;
  }>(sql`
    SELECT o.n AS n, o.wait AS wait, o.quiet AS quiet, coalesce(o.id, u.id) AS id, u.n AS unclaimed
    FROM (SELECT count(*) AS n, min(id) AS id, ${waitLeft(c)} AS wait, ${quietLeft(c)} AS quiet
      FROM outbox WHERE ${openRows(workspaceId, type, null, undefined, holdCreates)}) AS o,
      (SELECT count(*) AS n, min(id) AS id FROM outbox
        WHERE ${pendingOf(workspaceId, type)} AND run_id IS NULL ${held}) AS u`);
  const open = row?.n ?? 0;
  const wait = Math.max(0, Math.ceil(row?.wait ?? 0));
  const quiet = Math.max(0, Math.ceil(row?.quiet ?? 0));
  const ready = !coalescing || open >= COLLECTION_LIMIT;
  const ms = ready ? 0 : Math.min(wait, quiet);
  return {
    open,
    msUntilReady: ms,
    msUntilLook: ms && open > 1 && quiet > 0 ? wait : ms,
    someId: row?.id ?? null,
    unclaimed: row?.unclaimed ?? 0,
  };
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
