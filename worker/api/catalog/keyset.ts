import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db";
import { decodeCursor, pageOf } from "../../sync/runs/cursor";

type Listable = SQLiteTable & { id: SQLiteColumn; workspaceId: SQLiteColumn; createdAt: SQLiteColumn };

/**
 * One page of a workspace's rows, newest first, by keyset on (created_at, id) through the
 * table's `*_ws_created` index: no OFFSET, so page 1,000 costs what page 1 costs.
 */
export async function listNewestFirst<T extends Listable>(
  db: Db,
  table: T,
  tag: string,
  q: { workspaceId: string; limit: number; cursor?: string; filters?: (SQL | undefined)[] },
) {
  const cursor = q.cursor ? decodeCursor(q.cursor, tag, ["string", "string"] as const) : null;
  const rows = (await db
    .select()
    .from(table as SQLiteTable)
    .where(
      and(
        eq(table.workspaceId, q.workspaceId),
        ...(q.filters ?? []),
        cursor ? sql`(${table.createdAt}, ${table.id}) < (${cursor[0]}, ${cursor[1]})` : undefined,
      ),
    )
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(q.limit + 1)
    .all()) as T["$inferSelect"][];
  return pageOf(rows, q.limit, tag, (r) => [String(r.createdAt), String(r.id)]);
}
