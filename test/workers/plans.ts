import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { SeenStatement } from "./counting-d1";

export type Statement =
  | { toSQL(): { sql: string; params: unknown[] } }
  | { getQuery(): { sql: string; params: unknown[] } }
  | SeenStatement;

/**
 * EXPLAIN QUERY PLAN of a drizzle query builder, a `db.run(sql…)` statement, or a statement a
 * counting D1 saw (counting-d1.ts): the plan of the very SQL the code sends.
 */
export async function plan(query: Statement): Promise<string[]> {
  const { sql, params } = "toSQL" in query ? query.toSQL() : "getQuery" in query ? query.getQuery() : query;
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** Every step on `table` (or alias) seeks one of `indexes`; nothing scans a table or sorts. */
export function expectIndexed(lines: string[], table: string, indexes: string[], allowSort = false) {
  const steps = lines.filter((l) => new RegExp(`^(SEARCH|SCAN) ${table}\\b`).test(l));
  expect(steps.length, lines.join("\n")).toBeGreaterThan(0);
  for (const step of steps) {
    // A WITHOUT ROWID table (run_pages) is its primary key: "USING PRIMARY KEY".
    const m = /^SEARCH \S+ USING (?:(?:COVERING )?INDEX (\S+)|(PRIMARY KEY)) \(/.exec(step);
    const used = m?.[1] ?? m?.[2];
    expect(used !== undefined && indexes.includes(used), `${step}\nexpected one of ${indexes.join(", ")}`).toBe(true);
  }
  if (!allowSort)
    expect(
      lines.filter((l) => l.includes("TEMP B-TREE")),
      lines.join("\n"),
    ).toEqual([]);
}
