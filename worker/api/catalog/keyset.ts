import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db";
import { TIME_ORDERED_ID_LENGTH, timeOrderedBelow } from "../../db/schema/time-ordered";
import { decodeCursor, pageOf } from "../cursor";

export type Listable = SQLiteTable & { id: SQLiteColumn; workspaceId: SQLiteColumn; createdAt: SQLiteColumn };

interface ListQuery {
  workspaceId: string;
  limit: number;
  cursor?: string;
  filters?: (SQL | undefined)[];
  /**
   * For a table with time-ordered ids (db/schema/time-ordered.ts): the partial index's condition
   * on rows with other ids. Rows are then read from two keysets, merged in (created_at, id) order.
   */
  oldRows?: SQL;
}

/**
 * One page of a workspace's rows, newest first, by keyset on (created_at, id) through the
 * table's `*_ws_created` index (for time-ordered ids, its primary key and the partial index):
 * no OFFSET, so page 1,000 costs what page 1 costs.
 */
export async function listNewestFirst<T extends Listable>(db: Db, table: T, tag: string, q: ListQuery) {
  const cursor = q.cursor ? decodeCursor(q.cursor, tag, ["string", "string"] as const) : null;
  const filters = (q.filters ?? []).filter((f): f is SQL => f !== undefined);
  const byCreated = (extra: SQL | undefined) =>
    db
      .select()
      .from(table as SQLiteTable)
      .where(
        and(
          eq(table.workspaceId, q.workspaceId),
          ...filters,
          extra,
          cursor ? sql`(${table.createdAt}, ${table.id}) < (${cursor[0]}, ${cursor[1]})` : undefined,
        ),
      )
      .orderBy(desc(table.createdAt), desc(table.id))
      .limit(q.limit + 1)
      .all() as Promise<T["$inferSelect"][]>;
  const keyOf = (r: T["$inferSelect"]) => [String(r.createdAt), String(r.id)] as const;
  // A filter (email, Salesforce id) is a unique lookup: its own index, at most one row.
  if (!q.oldRows || filters.length) return pageOf(await byCreated(undefined), q.limit, tag, keyOf);
  const range = timeOrderedBelow(cursor ? { createdAt: cursor[0], id: cursor[1] } : null);
  const [timed, old] = await Promise.all([
    db
      .select()
      .from(table as SQLiteTable)
      .where(
        and(
          eq(table.workspaceId, q.workspaceId),
          gte(table.id, range.from),
          lt(table.id, range.below),
          sql`length(${table.id}) = ${sql.raw(String(TIME_ORDERED_ID_LENGTH))}`,
        ),
      )
      .orderBy(desc(table.id))
      .limit(q.limit + 1)
      .all() as Promise<T["$inferSelect"][]>,
    byCreated(q.oldRows),
  ]);
  const merged = [...timed, ...old].sort((a, b) => compareNewestFirst(keyOf(a), keyOf(b)));
  return pageOf(merged.slice(0, q.limit + 1), q.limit, tag, keyOf);
}

function compareNewestFirst(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? 1 : -1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? 1 : -1;
}
