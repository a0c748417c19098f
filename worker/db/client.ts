import { drizzle } from "drizzle-orm/d1";

// No `schema` given: it only serves drizzle's relational queries (`db.query.*`), which nothing here
// uses, and with it every drizzle() walks the whole schema to build their config (~0.4 ms of CPU,
// once or twice per request and per queue message, measured by scripts/bench/write-cost.ts).
const built = new WeakMap<D1Database, ReturnType<typeof drizzle>>();

/** Drizzle over one D1 database; it holds no connection, so one per binding object is kept and reused. */
export function dbOver(d1: D1Database) {
  let db = built.get(d1);
  if (!db) {
    db = drizzle(d1);
    built.set(d1, db);
  }
  return db;
}

export type Db = ReturnType<typeof dbOver>;
