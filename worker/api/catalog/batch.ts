import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db, ShardEnv } from "../../db";
import { jsonChunks } from "../../db/json-param";
import type { companies, contacts } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { inJson, upsertFromJson } from "../../sync/entities";
import { commitChanges, type EntityType } from "../../sync/outbound";
import { badBody } from "./fields";
import { changedFields, conflict, isUniqueViolation } from "./writes";

/** Items one bulk write takes at most: one Salesforce collection call's worth. */
export const BATCH_LIMIT = 200;

type Entities = typeof contacts | typeof companies;
type Row<T extends Entities> = T["$inferSelect"];

/** One item of a bulk write: with `id`, a change to that record (PATCH rules); without, a new one (POST rules). */
export type BatchItem = { id?: string } & Record<string, unknown>;

/** What a bulk write will do with one item. */
export interface Planned<T extends Entities> {
  index: number;
  before: Row<T> | null;
  after: Row<T>;
  /** The fields written: for a new record the ones given, for a change the ones whose value differs. */
  changed: string[];
}

export interface BatchSpec<T extends Entities> {
  table: T;
  entityType: EntityType;
  /** "contact", "company": how a message names one. */
  what: string;
  writable: readonly string[];
  create(item: BatchItem, workspaceId: string, now: string): Row<T>;
  /** Checks zod cannot make (references, uniqueness); throws a 400 or 409 naming `items.N.field`. */
  check?(db: Db, workspaceId: string, planned: Planned<T>[]): Promise<void>;
}

/**
 * Statement: the changed columns of many rows at once, from one JSON parameter. A column an item
 * does not carry keeps its stored value, so a concurrent write to another field (an inbound sync
 * linking the record, say) is never overwritten with the value read before.
 */
function updateFromJson(db: Db, table: SQLiteTable, workspaceId: string, fields: readonly string[], json: string) {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const set = [...fields, "updatedAt"].map((f) => {
    const name = sql.identifier(columns[f]!.name);
    return sql`${name} = CASE WHEN json_type(j.value, ${`$.${f}`}) IS NULL THEN ${table}.${name} ELSE j.value ->> ${`$.${f}`} END`;
  });
  return db.run(sql`UPDATE ${table} SET ${sql.join(set, sql`, `)} FROM json_each(${json}) AS j
    WHERE ${columns.id!} = j.value ->> '$.id' AND ${columns.workspaceId!} = ${workspaceId}`);
}

/**
 * A bulk write: every item validated and planned first (the first problem answers for the whole
 * request, naming `items.N.field`, and nothing is written), then all the records and their outbox
 * rows in one D1 batch of set-based statements, and one queue message naming every change. The
 * records come back in the items' order.
 */
export async function writeBatch<T extends Entities>(
  env: ShardEnv,
  db: Db,
  spec: BatchSpec<T>,
  workspaceId: string,
  items: BatchItem[],
): Promise<Row<T>[]> {
  const named = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.id === undefined) return;
    const first = named.get(item.id);
    if (first !== undefined) throw badBody(`items.${i}.id`, `names the same ${spec.what} as items.${first}`);
    named.set(item.id, i);
  });
  const table = spec.table as typeof contacts;
  const existing = new Map(
    (named.size
      ? await db
          .select()
          .from(table)
          .where(and(eq(table.workspaceId, workspaceId), inJson(table.id, [...named.keys()])))
          .all()
      : []
    ).map((r) => [r.id, r as Row<T>]),
  );
  const now = isoNow();
  const planned = items.map((item, index): Planned<T> => {
    if (item.id === undefined) {
      const after = spec.create(item, workspaceId, now);
      const given = spec.writable.filter((f) => (after as Record<string, unknown>)[f] !== null);
      return { index, before: null, after, changed: given };
    }
    const before = existing.get(item.id);
    if (!before) throw badBody(`items.${index}.id`, `no ${spec.what} with this id in this workspace`);
    const changed = changedFields(before as Record<string, unknown>, item, spec.writable);
    if (!changed.length) return { index, before, after: before, changed };
    const values = Object.fromEntries(changed.map((f) => [f, item[f] ?? null]));
    return { index, before, after: { ...before, ...values, updatedAt: now }, changed };
  });
  await spec.check?.(db, workspaceId, planned);

  const creates = planned.filter((p) => !p.before).map((p) => p.after);
  const updates = planned
    .filter((p) => p.before && p.changed.length)
    .map((p) => ({
      id: p.after.id,
      updatedAt: now,
      ...Object.fromEntries(p.changed.map((f) => [f, (p.after as Record<string, unknown>)[f]])),
    }));
  const statements = [
    ...jsonChunks(creates).map((json) => upsertFromJson(db, spec.table as SQLiteTable, json)),
    ...jsonChunks(updates).map((json) => updateFromJson(db, spec.table, workspaceId, spec.writable, json)),
  ];
  const changes = planned
    .filter((p) => p.changed.length)
    .map((p) => ({
      workspaceId,
      entityType: spec.entityType,
      entityId: p.after.id,
      operation: "upsert" as const,
      changedFields: p.changed,
    }));
  try {
    await commitChanges(env, db, workspaceId, statements, changes);
  } catch (err) {
    // The checks passed a moment ago; another write took a unique value in between.
    if (isUniqueViolation(err))
      throw conflict("Another write took a unique value one of these items sets; send the request again", {
        field: "items",
      });
    throw err;
  }
  return planned.map((p) => p.after);
}
