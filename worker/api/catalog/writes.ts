import { and, eq } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db";
import { companies } from "../../db/schema";
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
