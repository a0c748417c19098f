import { and, eq, getTableColumns, or } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db";
import { runBatch } from "../../db/commit";
import { companies, type contacts } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { announceChange, differences, type EntityType, outboxInsertForPatch } from "../../sync/outbound";
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

/** `companyId` must name a company of this workspace; anything else is a 400 naming the field. */
export async function assertCompany(db: Db, workspaceId: string, companyId: string | null | undefined): Promise<void> {
  if (companyId === null || companyId === undefined) return;
  const found = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.workspaceId, workspaceId)))
    .get();
  if (!found) throw badBody("companyId", "no company with this id in this workspace");
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

/**
 * A PATCH in one D1 round trip: the outbox row and the update in one batch, both only if the entity
 * is the workspace's and some given value differs from the stored one (D1 compares; the outbox row
 * lists exactly the changed fields), the update returning the row. An unchanged or unknown entity
 * costs one more read, for the answer (the row, or a 404). A unique index the change breaks throws.
 */
export async function patchEntity<T extends Entities>(
  env: Env,
  db: Db,
  table: T,
  entityType: EntityType,
  target: { workspaceId: string; id: string; what: string },
  values: Record<string, unknown>,
): Promise<T["$inferSelect"]> {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  if (!Object.keys(given).length) return findOwned(db, table, target.workspaceId, target.id, target.what);
  const change = { workspaceId: target.workspaceId, entityType, entityId: target.id };
  const outbox = outboxInsertForPatch(db, table, change, given);
  const t = table as typeof contacts;
  const update = db
    .update(t)
    .set({ ...given, updatedAt: isoNow() })
    .where(
      and(
        eq(t.id, target.id),
        eq(t.workspaceId, target.workspaceId),
        or(...differences(table, given).map((d) => d.differs)),
      ),
    )
    .returning();
  const [, updated] = await runBatch(db, [outbox.statement, update]);
  const raw = updated?.[0];
  if (!raw) return findOwned(db, table, target.workspaceId, target.id, target.what);
  await announceChange(env, db, target.workspaceId, [outbox.id]);
  return fromColumns(table, raw);
}
