import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export { schema };

/** Drizzle over the D1 binding. Build one per request or message; it holds no connection. */
export function getDb(env: { DB: D1Database }) {
  return drizzle(env.DB, { schema });
}

export type Db = ReturnType<typeof getDb>;
