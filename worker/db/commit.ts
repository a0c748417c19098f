import type { Db } from "./client";

type Statement = { getQuery(): { sql: string; params: unknown[] } } | { toSQL(): { sql: string; params: unknown[] } };

function toD1(db: Db, statement: Statement): D1PreparedStatement {
  const { sql: text, params } = "getQuery" in statement ? statement.getQuery() : statement.toSQL();
  return db.$client.prepare(text).bind(...params);
}

/**
 * Runs statements as one D1 batch (D1's only atomic unit) and hands back each statement's raw rows
 * (column names as in SQL); an empty list is no call at all.
 * Goes to D1 directly: drizzle 0.45's `db.batch()` cannot bind a `db.run(sql…)` that has
 * parameters (it has no prepared statement), and the set-based writes are made of those.
 */
export async function runBatch(db: Db, statements: readonly unknown[]): Promise<Record<string, unknown>[][]> {
  if (!statements.length) return [];
  const results = await db.$client.batch(statements.map((s) => toD1(db, s as Statement)));
  return results.map((r) => (r.results ?? []) as Record<string, unknown>[]);
}

/** Runs statements as one D1 batch, for their effect. */
export async function commitBatch(db: Db, statements: readonly unknown[]): Promise<void> {
  await runBatch(db, statements);
}
