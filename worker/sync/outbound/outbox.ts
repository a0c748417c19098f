import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db, ShardEnv } from "../../db";
import { commitBatch, runBatch } from "../../db/commit";
import { type companies, type contacts, outbox } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { coalescingFor } from "./claim";
import type { EntityType } from "./message";
import { sendWake, wakeInsert } from "./wake";

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
    // An API write stamps it with the commit (its wake's message, or the one already on its way, covers
    // it), so the write costs no second statement; a send that fails clears the stamp for the sweep. created_at is left to D1's clock:
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
 * An API write's statements, then the wake of its outbox rows, in one D1 batch; then the consumer is
 * told, only if this write made the wake (wake.ts): a burst of writes costs one queue message. Answers
 * the write's own statements' rows. Throws only if the commit fails (the caller answers with that error);
 * a failed send leaves the changes to the cron sweep.
 */
export async function commitAndWake(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  statements: readonly unknown[],
  outboxIds: string[],
): Promise<Record<string, unknown>[][]> {
  if (!outboxIds.length) return runBatch(db, statements);
  const wake = wakeInsert(db, outboxIds, coalescingFor(env));
  const results = await runBatch(db, [...statements, wake]);
  const made = results.at(-1) ?? [];
  const woken = made.map((r) => r.entity_type as EntityType);
  await sendWake(
    env,
    db,
    workspaceId,
    outboxIds,
    woken,
    made.some((r) => r.late === 1),
  );
  return results.slice(0, -1);
}

/** An API write: the entity's statements and its outbox row commit in one D1 batch, then the consumer is woken. */
export async function commitChange(
  env: ShardEnv,
  db: Db,
  entityStatements: readonly unknown[],
  change: OutboxChange,
): Promise<void> {
  const { id, statement } = outboxInsert(db, change, isoNow());
  await commitAndWake(env, db, change.workspaceId, [...entityStatements, statement], [id]);
}

/** A bulk write of one workspace: every entity and outbox row in one D1 batch, then at most one message per object type. */
export async function commitChanges(
  env: ShardEnv,
  db: Db,
  workspaceId: string,
  entityStatements: readonly unknown[],
  changes: OutboxChange[],
): Promise<void> {
  if (!changes.length) return commitBatch(db, entityStatements);
  const { ids, statement } = outboxInsertMany(db, changes);
  await commitAndWake(env, db, workspaceId, [...entityStatements, statement], ids);
}
