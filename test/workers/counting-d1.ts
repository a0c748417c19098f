/** A statement as it reached D1: its SQL and bound values. */
export interface SeenStatement {
  sql: string;
  params: unknown[];
}

/**
 * Wraps the real D1 binding and counts the statements that reach it — one per executed prepared
 * statement, one per statement inside a batch — as production's 1,000-queries-per-invocation
 * limit counts them, and the rows they wrote as D1 meters them (`meta.rows_written`: index entries
 * included). Nothing is faked: every statement still runs on the real database.
 * `counter.seen` keeps each statement's SQL and values, so a test can EXPLAIN what the code sent.
 */
export function countingD1(real: D1Database) {
  // calls: round trips to D1 (a batch is one, however many statements it carries).
  const counter = { statements: 0, batches: 0, calls: 0, rowsWritten: 0, seen: [] as SeenStatement[] };
  const written = (result: unknown) => {
    const meta = (result as { meta?: { rows_written?: number } } | null)?.meta;
    counter.rowsWritten += meta?.rows_written ?? 0;
    return result;
  };
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const text = new WeakMap<object, SeenStatement>();

  const wrapStatement = (stmt: D1PreparedStatement, seen: SeenStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind")
          return (...args: unknown[]) => wrapStatement(target.bind(...args), { sql: seen.sql, params: args });
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => {
            counter.statements++;
            counter.calls++;
            counter.seen.push(seen);
            const out = (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
            return prop === "run" || prop === "all" ? (out as Promise<unknown>).then(written) : out;
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrap.set(proxy, stmt);
    text.set(proxy, seen);
    return proxy;
  };

  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare")
        return (query: string) => wrapStatement(target.prepare(query), { sql: query, params: [] });
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counter.batches++;
          counter.calls++;
          counter.statements += statements.length;
          for (const s of statements) {
            const seen = text.get(s);
            if (seen) counter.seen.push(seen);
          }
          return target.batch(statements.map((s) => unwrap.get(s) ?? s)).then((results) => {
            for (const r of results) written(r);
            return results;
          });
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          counter.statements++;
          counter.calls++;
          counter.seen.push({ sql: query, params: [] });
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counter };
}
