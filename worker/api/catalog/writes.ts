import { and, eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db, ShardEnv } from "../../db";
import { companies, type contacts } from "../../db/schema";
import { isoNow } from "../../lib/time";
import {
  commitAndWake,
  commitChange,
  differences,
  type EntityType,
  type OutboxChange,
  outboxInsertForPatch,
  outboxInsertIfOwned,
} from "../../sync/outbound";
import { ApiError, notFound } from "../errors";
import { badBody } from "./fields";

type Owned = SQLiteTable & { id: SQLiteColumn; workspaceId: SQLiteColumn };

/** The workspace's row, or a 404 that says nothing about other workspaces' rows. */
export async function findOwned<T extends Owned>(
  db: Db,
  table: T,
  workspaceId: string,
  id: string,
  what: string,
): Promise<T["$inferSelect"]> {
  const row = await db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.id, id), eq(table.workspaceId, workspaceId)))
    .get();
  if (!row) throw notFound(what);
  return row as T["$inferSelect"];
}

/** The writable fields a PATCH gives a new value; fields it leaves out or repeats are not changes. */
export function changedFields<K extends string>(
  before: Record<K, unknown>,
  patch: Partial<Record<K, unknown>>,
  fields: readonly K[],
): K[] {
  return fields.filter((f) => patch[f] !== undefined && (patch[f] ?? null) !== (before[f] ?? null));
}

const noSuchCompany = () => badBody("companyId", "no company with this id in this workspace");

/** `companyId` must name a company of this workspace; anything else is a 400 naming the field. */
export async function assertCompany(db: Db, workspaceId: string, companyId: string | null | undefined): Promise<void> {
  if (companyId === null || companyId === undefined) return;
  const found = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.workspaceId, workspaceId)))
    .get();
  if (!found) throw noSuchCompany();
}

/**
 * A condition a write's own statements carry, so that D1 checks it in the write's batch instead of a
 * read before it; `refuse` answers why when the write did not happen (the read then, on the refusal only).
 */
export interface WriteGuard {
  sql: SQL;
  refuse: () => Promise<void>;
}

/** `companyId` names a company of this workspace, checked by D1 inside the write (none given: no guard). */
export function companyGuard(db: Db, workspaceId: string, companyId: string | null | undefined): WriteGuard | null {
  if (companyId === null || companyId === undefined) return null;
  return {
    sql: sql`EXISTS (SELECT 1 FROM ${companies} WHERE ${companies.id} = ${companyId} AND ${companies.workspaceId} = ${workspaceId})`,
    refuse: () => assertCompany(db, workspaceId, companyId),
  };
}

/** D1 reports a unique index violation only in its message text. */
export function isUniqueViolation(err: unknown): boolean {
  const text =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
  return /UNIQUE constraint failed/i.test(text);
}

export function conflict(message: string, details?: unknown) {
  return new ApiError(409, "conflict", message, details);
}

type Entities = typeof contacts | typeof companies;

/** A row as D1 returns it (column names) in the table's own shape (property names). */
function fromColumns<T extends Entities>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  return Object.fromEntries(Object.entries(columns).map(([key, c]) => [key, raw[c.name] ?? null])) as T["$inferSelect"];
}

/** An INSERT of `row` that D1 makes only if `guard` holds; it returns the id when it did. */
function insertWhere<T extends Entities>(db: Db, table: T, row: T["$inferInsert"], guard: SQL) {
  const columns = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>);
  const value = (key: string) => (row as Record<string, unknown>)[key] ?? null;
  return db.run(
    sql`INSERT INTO ${table} (${sql.join(
      columns.map(([, c]) => sql.identifier(c.name)),
      sql`, `,
    )}) SELECT ${sql.join(
      columns.map(([key, c]) => sql.param(value(key), c)),
      sql`, `,
    )} WHERE ${guard} RETURNING id`,
  );
}

/**
 * A new entity in one D1 round trip: the row and its outbox row in one batch, the guard (a check of a
 * value it names) inside it. Refused by the guard, nothing is written and `refuse` says why.
 */
export async function createEntity<T extends Entities>(
  env: ShardEnv,
  db: Db,
  table: T,
  row: T["$inferInsert"],
  change: OutboxChange,
  guard: WriteGuard | null,
): Promise<void> {
  if (!guard) return commitChange(env, db, [db.insert(table).values(row as never)], change);
  const outbox = outboxInsertIfOwned(db, table, change);
  // Refused, the outbox row is not written either, and so no wake is made or sent.
  const [inserted] = await commitAndWake(
    env,
    db,
    change.workspaceId,
    [insertWhere(db, table, row, guard.sql), outbox.statement],
    [outbox.id],
  );
  if (!inserted?.length) {
    await guard.refuse();
    throw new Error("a guarded insert wrote nothing, yet its guard holds");
  }
}

/**
 * A delete in one D1 round trip: the outbox row (only if the entity is the workspace's), `alongside`
 * (statements of other rows the delete implies), and the delete, in one batch; an unknown id is a 404.
 */
export async function deleteEntity<T extends Entities>(
  env: ShardEnv,
  db: Db,
  table: T,
  entityType: EntityType,
  target: { workspaceId: string; id: string; what: string },
  alongside: readonly unknown[] = [],
): Promise<void> {
  const change = { workspaceId: target.workspaceId, entityType, entityId: target.id };
  const outbox = outboxInsertIfOwned(db, table, { ...change, operation: "delete", changedFields: [] });
  const t = table as typeof contacts;
  const remove = db
    .delete(t)
    .where(and(eq(t.id, target.id), eq(t.workspaceId, target.workspaceId)))
    .returning({ id: t.id });
  const results = await commitAndWake(
    env,
    db,
    target.workspaceId,
    [outbox.statement, ...alongside, remove],
    [outbox.id],
  );
  if (!results.at(-1)?.length) throw notFound(target.what);
}

/**
 * A PATCH in one D1 round trip: the outbox row and the update in one batch, both only if the entity
 * is the workspace's and some given value differs from the stored one (D1 compares; the outbox row
 * lists exactly the changed fields), the update returning the row; `guard` is checked in the same
 * statements. An unchanged or unknown entity, or a refused guard, costs one more read, for the answer
 * (the row, a 404, or the guard's refusal). A unique index the change breaks throws.
 */
export async function patchEntity<T extends Entities>(
  env: ShardEnv,
  db: Db,
  table: T,
  entityType: EntityType,
  target: { workspaceId: string; id: string; what: string },
  values: Record<string, unknown>,
  guard: WriteGuard | null = null,
): Promise<T["$inferSelect"]> {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const owned = () => findOwned(db, table, target.workspaceId, target.id, target.what);
  if (!Object.keys(given).length) return owned();
  const change = { workspaceId: target.workspaceId, entityType, entityId: target.id };
  const outbox = outboxInsertForPatch(db, table, change, given, guard?.sql);
  const t = table as typeof contacts;
  const update = db
    .update(t)
    .set({ ...given, updatedAt: isoNow() })
    .where(
      and(
        eq(t.id, target.id),
        eq(t.workspaceId, target.workspaceId),
        or(...differences(table, given).map((d) => d.differs)),
        guard?.sql,
      ),
    )
    .returning();
  const [, updated] = await commitAndWake(env, db, target.workspaceId, [outbox.statement, update], [outbox.id]);
  const raw = updated?.[0];
  if (!raw) {
    // Nothing written: an unknown entity (404 first), a refused guard (its answer), or no change.
    const row = await owned();
    await guard?.refuse();
    return row;
  }
  return fromColumns(table, raw);
}
