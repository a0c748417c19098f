import { and, getTableColumns, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db, ShardEnv } from "../../db";
import { commitBatch } from "../../db/commit";
import { type companies, type contacts, outbox } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { inJson } from "../entities";
import { type EntityType, outboundChange, outboundChanges } from "./message";

export interface OutboxChange {
  workspaceId: string;
  entityType: EntityType;
  entityId: string;
  operation: "upsert" | "delete";
  /** Conversion field names this write changed; the consumer pushes only these to linked records. */
  changedFields: string[];
}

/**
 * The outbox row of an API write, as a statement for the same `db.batch()` as the entity itself:
 * either both commit or neither does, so a change can never exist without its way to Salesforce.
 * `sentAt`: when a message about it is sent right after the commit; null leaves it to the sweep.
 */
export function outboxInsert(db: Db, change: OutboxChange, sentAt: string | null = null) {
  const id = newId("obx");
  const statement = db.insert(outbox).values({
    id,
    workspaceId: change.workspaceId,
    entityType: change.entityType,
    entityId: change.entityId,
    operation: change.operation,
    changedFields: JSON.stringify(change.changedFields),
    // An API write stamps it with the commit (its send follows at once), so the write costs no second
    // statement; a send that fails clears the stamp for the sweep. created_at is left to D1's clock:
    // the claim measures a burst's age against D1's `now`, so a Worker clock a little off cannot make
    // a change look older or younger than it is.
    sentAt,
  });
  return { id, statement };
}

type Entities = typeof contacts | typeof companies;

/** `column IS NOT value` for each field a PATCH names: which stored values it changes. */
export function differences(table: Entities, values: Record<string, unknown>) {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  return Object.entries(values).map(([field, value]) => ({
    field,
    differs: sql`${columns[field]!} IS NOT ${value ?? null}`,
  }));
}

/**
 * The outbox row of a write to an existing entity, decided by D1 inside the write's own batch: written
 * only if the entity exists in the workspace (and `guard`, when given, holds). Placed before the
 * entity's own statements in the batch, it sees the row they then change or delete; placed after an
 * INSERT, the row it inserted.
 */
export function outboxInsertIfOwned(db: Db, table: Entities, change: OutboxChange, guard?: SQL) {
  return outboxInsertWhere(db, table, change, sql`${JSON.stringify(change.changedFields)}`, guard);
}

function outboxInsertWhere(
  db: Db,
  table: Entities,
  change: Pick<OutboxChange, "workspaceId" | "entityType" | "entityId" | "operation">,
  fields: SQL,
  guard?: SQL,
) {
  const id = newId("obx");
  const statement = db.run(sql`
    INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, sent_at)
    SELECT ${id}, ${change.workspaceId}, ${change.entityType}, ${table.id}, ${change.operation}, ${fields}, ${isoNow()}
    FROM ${table} WHERE ${table.id} = ${change.entityId} AND ${table.workspaceId} = ${change.workspaceId}
      ${guard ? sql`AND ${guard}` : sql``}`);
  return { id, statement };
}

/**
 * The outbox row of a PATCH, decided by D1 inside the write's own batch: written only if the entity
 * exists in the workspace, `guard` holds, and some value differs from the stored one, listing exactly
 * those fields. Placed before the UPDATE in the batch, it compares against the row the UPDATE then changes.
 */
export function outboxInsertForPatch(
  db: Db,
  table: Entities,
  change: Omit<OutboxChange, "operation" | "changedFields">,
  values: Record<string, unknown>,
  guard?: SQL,
) {
  const diffs = differences(table, values);
  const list = sql.join(
    diffs.map((d) => sql`iif(${d.differs}, ${`"${d.field}",`}, '')`),
    sql` || `,
  );
  const changed = sql`(${sql.join(
    diffs.map((d) => d.differs),
    sql` OR `,
  )})`;
  return outboxInsertWhere(
    db,
    table,
    { ...change, operation: "upsert" },
    sql`'[' || rtrim(${list}, ',') || ']'`,
    guard ? sql`${guard} AND ${changed}` : changed,
  );
}

/**
 * The outbox rows of a bulk write, one statement for all of them (one bound JSON parameter),
 * for the same `db.batch()` as the entities.
 */
export function outboxInsertMany(db: Db, changes: OutboxChange[]) {
  const rows = changes.map((c) => ({ ...c, id: newId("obx"), changedFields: JSON.stringify(c.changedFields) }));
  const statement = db.run(sql`
    INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, sent_at)
    SELECT j.value ->> '$.id', j.value ->> '$.workspaceId', j.value ->> '$.entityType', j.value ->> '$.entityId',
      j.value ->> '$.operation', j.value ->> '$.changedFields', ${isoNow()}
    FROM json_each(${JSON.stringify(rows)}) AS j`);
  return { ids: rows.map((r) => r.id), statement };
}

/**
 * Tells the outbound consumer about committed outbox rows of one workspace, in one message. Never
 * throws: the rows are safe in D1, and when the send fails their sent stamp is cleared so the cron
 * sweep sends them on its next tick.
 */
export async function announceChange(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  outboxIds: string[],
): Promise<boolean> {
  if (!outboxIds.length) return true;
  try {
    await env.OUTBOUND_QUEUE.send(
      outboxIds.length === 1 ? outboundChange(workspaceId, outboxIds[0]!) : outboundChanges(workspaceId, outboxIds),
    );
    return true;
  } catch (err) {
    console.error(
      "outbound send failed; the outbox sweep will resend",
      outboxIds[0],
      err instanceof Error ? err.message : String(err),
    );
  }
  // Unless a consumer has claimed a row meanwhile (run_id set): then it is on its way.
  await db
    .update(outbox)
    .set({ sentAt: null })
    .where(and(inJson(outbox.id, outboxIds), isNull(outbox.processedAt), isNull(outbox.runId)))
    .catch(() => undefined);
  return false;
}

/**
 * An API write: the entity's statements and its outbox row commit in one D1 batch, then the
 * consumer is told. Throws only if the commit fails (the caller answers with that error).
 */
export async function commitChange(
  env: ShardEnv,
  db: Db,
  entityStatements: readonly unknown[],
  change: OutboxChange,
): Promise<void> {
  const { id, statement } = outboxInsert(db, change, isoNow());
  await commitBatch(db, [...entityStatements, statement]);
  await announceChange(env, db, change.workspaceId, [id]);
}

/** A bulk write of one workspace: every entity and outbox row in one D1 batch, then one message naming them. */
export async function commitChanges(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  entityStatements: readonly unknown[],
  changes: OutboxChange[],
): Promise<void> {
  const { ids, statement } = outboxInsertMany(db, changes);
  await commitBatch(db, changes.length ? [...entityStatements, statement] : entityStatements);
  await announceChange(env, db, workspaceId, changes.length ? ids : []);
}
