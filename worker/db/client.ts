import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** Drizzle over one D1 database. Build one per request or message; it holds no connection. */
export function dbOver(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof dbOver>;
